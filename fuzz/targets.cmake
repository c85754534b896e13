# The fuzz targets: one per parser of untrusted input (docs/security.md).
# For each: the libraries it links and its seed directories (relative to the
# source tree; ${MKT_FIXTURES} = ../shared/fixtures). Read by fuzz/CMakeLists.txt
# (the libFuzzer build) and tests/fuzz/CMakeLists.txt (replay in the normal suite).
set(MKT_FIXTURES ${CMAKE_SOURCE_DIR}/../shared/fixtures/stratuslab)
set(MKT_FUZZ_TARGETS
    metadata_document signature multipart_body cimi_filter occi_text site_policy configuration
    sparql_query change_feed http_framing)

set(MKT_FUZZ_LIBS_metadata_document mkt_xmlsec mkt_redland mkt_registry)
set(MKT_FUZZ_SEEDS_metadata_document ${MKT_FIXTURES}/metadata-lib
    ${MKT_FIXTURES}/marketplace-server ${MKT_FIXTURES}/production ${MKT_FIXTURES}/client)

set(MKT_FUZZ_LIBS_signature mkt_xmlsec mkt_registry)
# scripts/fuzz adds documents it signs with the test PKI (rsa-sha256, ecdsa-sha256).
set(MKT_FUZZ_SEEDS_signature ${MKT_FIXTURES}/marketplace-server ${MKT_FIXTURES}/production)

set(MKT_FUZZ_LIBS_multipart_body mkt_http)
set(MKT_FUZZ_SEEDS_multipart_body ${CMAKE_SOURCE_DIR}/fuzz/seeds/multipart_body)

set(MKT_FUZZ_LIBS_cimi_filter mkt_cimi_query mkt_cimi_mappers)
set(MKT_FUZZ_SEEDS_cimi_filter ${CMAKE_SOURCE_DIR}/fuzz/seeds/cimi_filter)

set(MKT_FUZZ_LIBS_occi_text mkt_occi_syntax)
set(MKT_FUZZ_SEEDS_occi_text ${CMAKE_SOURCE_DIR}/fuzz/seeds/occi_text)

set(MKT_FUZZ_LIBS_site_policy mkt_policy)
set(MKT_FUZZ_SEEDS_site_policy ${CMAKE_SOURCE_DIR}/fuzz/seeds/site_policy ${MKT_FIXTURES}/client)

set(MKT_FUZZ_LIBS_configuration mkt_conf)
set(MKT_FUZZ_SEEDS_configuration ${CMAKE_SOURCE_DIR}/conf/samples
    ${CMAKE_SOURCE_DIR}/fuzz/seeds/configuration)

set(MKT_FUZZ_LIBS_sparql_query mkt_sparql_graph mkt_store_memory mkt_xmlsec mkt_redland mkt_registry)
set(MKT_FUZZ_SEEDS_sparql_query ${CMAKE_SOURCE_DIR}/fuzz/seeds/sparql_query)
# Targets that read fixtures at start-up (the graph the queries run on).
set(MKT_FUZZ_DEFS_sparql_query MKT_FUZZ_FIXTURES="${MKT_FIXTURES}")

set(MKT_FUZZ_LIBS_change_feed mkt_mappers)
set(MKT_FUZZ_SEEDS_change_feed ${CMAKE_SOURCE_DIR}/fuzz/seeds/change_feed)

set(MKT_FUZZ_LIBS_http_framing mkt_http)
set(MKT_FUZZ_SEEDS_http_framing ${CMAKE_SOURCE_DIR}/fuzz/seeds/http_framing)
