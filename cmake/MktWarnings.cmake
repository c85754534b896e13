# One warning set for every project target: mkt_warnings(<target>).
function(mkt_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                         -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused
                         -Woverloaded-virtual -Wnull-dereference -Wformat=2)
  if(MKT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
