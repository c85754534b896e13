# The Debian package (CPack DEB): what `scripts/package` builds and installs
# nowhere else. Why CPack and not a debian/ directory: it packages the build
# tree that scripts/build already made (seconds, so the package test can build
# and install it inside the test run), the install() rules below are the one
# list of packaged files, and CPACK_DEBIAN_PACKAGE_SHLIBDEPS runs dpkg-shlibdeps
# for Depends:. The maintainer scripts and the unit are in packaging/deb/.
#
#   /usr/bin/marketplace-server, /usr/bin/marketplace
#   /etc/marketplace/marketplace.conf    conffile, generated from the key table
#   /lib/systemd/system/marketplace.service
#   /usr/share/doc/marketplace/          copyright, changelog.gz, docs, examples
#   /var/lib/marketplace                 made by postinst (owner marketplace)

set(MKT_PACKAGING_DIR ${CMAKE_SOURCE_DIR}/packaging/deb)
set(MKT_PACKAGING_OUT ${CMAKE_BINARY_DIR}/packaging)
# Keys the package sets differently from the built-in defaults (active lines).
# One string: it is spliced into the sh -c command line below (a CMake list
# would become "--set;key=value" there).
set(MKT_PACKAGE_CONFIG_SETTINGS
    "--set store.sqlite.path=/var/lib/marketplace/marketplace.db --set federation.state_dir=/var/lib/marketplace/federation")

# The conffile: a header, then every key of the configuration table as
# `marketplace-server --print-config --commented` writes it (env -i: no
# MARKETPLACE_* variable of the build machine leaks in). It cannot drift from
# the keys the server accepts.
add_custom_command(
  OUTPUT ${MKT_PACKAGING_OUT}/marketplace.conf
  COMMAND ${CMAKE_COMMAND} -E make_directory ${MKT_PACKAGING_OUT}
  COMMAND sh -c "cat '${MKT_PACKAGING_DIR}/marketplace.conf.head' && env -i '$<TARGET_FILE:marketplace-server>' --print-config --commented ${MKT_PACKAGE_CONFIG_SETTINGS}" > ${MKT_PACKAGING_OUT}/marketplace.conf
  DEPENDS marketplace-server ${MKT_PACKAGING_DIR}/marketplace.conf.head
  COMMENT "Generating the packaged marketplace.conf from the configuration's key table"
  VERBATIM)

# changelog.gz (Debian format; lintian requires one), compressed reproducibly.
string(TIMESTAMP MKT_PACKAGE_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
set(VERSION ${PROJECT_VERSION})
set(DATE ${MKT_PACKAGE_DATE})
configure_file(${MKT_PACKAGING_DIR}/changelog ${MKT_PACKAGING_OUT}/changelog @ONLY)
add_custom_command(
  OUTPUT ${MKT_PACKAGING_OUT}/changelog.gz
  COMMAND gzip -9nc ${MKT_PACKAGING_OUT}/changelog > ${MKT_PACKAGING_OUT}/changelog.gz
  DEPENDS ${MKT_PACKAGING_OUT}/changelog
  VERBATIM)
add_custom_target(mkt_package_files ALL
  DEPENDS ${MKT_PACKAGING_OUT}/marketplace.conf ${MKT_PACKAGING_OUT}/changelog.gz)

# Installing is for the package only: `make install` does not build everything first.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
install(TARGETS marketplace-server marketplace RUNTIME DESTINATION bin)
install(FILES ${MKT_PACKAGING_OUT}/marketplace.conf DESTINATION /etc/marketplace
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
install(FILES ${MKT_PACKAGING_DIR}/marketplace.service
              ${MKT_PACKAGING_DIR}/marketplace-site-sync.service
              ${MKT_PACKAGING_DIR}/marketplace-site-sync.timer
        DESTINATION /lib/systemd/system)
install(FILES ${MKT_PACKAGING_DIR}/copyright ${MKT_PACKAGING_OUT}/changelog.gz
              ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/docs/operations.md
              ${CMAKE_SOURCE_DIR}/docs/configuration.md ${CMAKE_SOURCE_DIR}/docs/policy.md
              ${CMAKE_SOURCE_DIR}/docs/sites.md ${CMAKE_SOURCE_DIR}/docs/federation.md
        DESTINATION share/doc/marketplace)
install(FILES ${CMAKE_SOURCE_DIR}/conf/samples/marketplace.conf
              ${CMAKE_SOURCE_DIR}/conf/samples/marketplace-legacy.conf
        DESTINATION share/doc/marketplace/examples)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME marketplace)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_CONTACT "Marketplace maintainers <maintainers@users.noreply.h-seed-a6c57870.example>")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "registry of signed virtual-machine image metadata
The Marketplace keeps the signed RDF/XML metadata of virtual-machine images
for federated IaaS clouds (a replacement of the StratusLab Marketplace):
endorsers upload signed entries, users find them through the native REST
API, SPARQL, CIMI, OCCI and a web UI, and sites check images against their
policies. This package holds the server (run by systemd as the marketplace
user, data in /var/lib/marketplace) and the marketplace command-line tool.")
# Depends: the shared libraries' packages (dpkg-shlibdeps) plus what the
# maintainer scripts use.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${MKT_PACKAGING_DIR}/conffiles ${MKT_PACKAGING_DIR}/postinst
    ${MKT_PACKAGING_DIR}/prerm ${MKT_PACKAGING_DIR}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_STRIP_FILES ON)
# The output directory is cpack's -B (scripts/package: <build>/packages).
include(CPack)
