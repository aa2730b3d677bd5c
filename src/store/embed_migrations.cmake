# Generates a C++ source holding every migration script as a string, so the
# binary carries its schema. Run by the build with -DSOURCE_DIR and -DOUTPUT.
file(GLOB scripts RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/*.sql")
list(SORT scripts)

set(versions "")
foreach(script IN LISTS scripts)
  if(NOT script MATCHES "^([0-9]+)_([a-z0-9_]+)\\.(up|down)\\.(sqlite|postgres)\\.sql$")
    message(FATAL_ERROR "Migration file ${script} must be named NNNN_name.(up|down).(sqlite|postgres).sql")
  endif()
  set(key "${CMAKE_MATCH_1}_${CMAKE_MATCH_2}")
  list(APPEND versions "${key}")
  file(READ "${SOURCE_DIR}/${script}" text)
  set("sql_${key}_${CMAKE_MATCH_3}_${CMAKE_MATCH_4}" "${text}")
endforeach()
list(REMOVE_DUPLICATES versions)

set(body "")
foreach(key IN LISTS versions)
  string(REGEX MATCH "^([0-9]+)_(.*)$" _ "${key}")
  math(EXPR number "${CMAKE_MATCH_1}")
  set(name "${CMAKE_MATCH_2}")
  foreach(part up_sqlite down_sqlite up_postgres down_postgres)
    if(NOT DEFINED "sql_${key}_${part}")
      message(FATAL_ERROR "Migration ${key} lacks its ${part} script")
    endif()
  endforeach()
  string(APPEND body "    {${number}, \"${name}\",\n"
    "     R\"tally_sql(${sql_${key}_up_sqlite})tally_sql\",\n"
    "     R\"tally_sql(${sql_${key}_down_sqlite})tally_sql\",\n"
    "     R\"tally_sql(${sql_${key}_up_postgres})tally_sql\",\n"
    "     R\"tally_sql(${sql_${key}_down_postgres})tally_sql\"},\n")
endforeach()

file(WRITE "${OUTPUT}.tmp" "// Generated from src/store/migrations/*.sql by embed_migrations.cmake.\n"
  "#include \"store/migrations.h\"\n\nnamespace tally::store {\n\n"
  "const std::vector<Migration>& BuiltinMigrations() {\n"
  "  static const std::vector<Migration> migrations = {\n${body}  };\n  return migrations;\n}\n\n"
  "}  // namespace tally::store\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
