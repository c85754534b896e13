# Third-party libraries, all from Debian packages (scripts/install-deps lists them).
# Each becomes an imported target; only the folder that is its "home" links it.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)

pkg_check_modules(XMLSEC REQUIRED IMPORTED_TARGET xmlsec1-openssl)
pkg_check_modules(LIBXML2 REQUIRED IMPORTED_TARGET libxml-2.0)
pkg_check_modules(RAPTOR2 REQUIRED IMPORTED_TARGET raptor2)
pkg_check_modules(REDLAND REQUIRED IMPORTED_TARGET redland)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(LIBCURL REQUIRED IMPORTED_TARGET libcurl)
# The server's allocator: many threads allocating and freeing parsed documents;
# glibc malloc cost about 20% more CPU per upload (bench/upload_throughput).
pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
