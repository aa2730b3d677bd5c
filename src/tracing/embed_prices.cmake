# Generates a C++ source holding default_model_prices.json as a string, so
# the binary carries its managed price table. Run with -DINPUT and -DOUTPUT.
file(READ "${INPUT}" text)
file(WRITE "${OUTPUT}.tmp" "// Generated from default_model_prices.json by embed_prices.cmake.\n"
  "namespace tally::tracing {\nextern const char* const kDefaultModelPricesJson;\n"
  "const char* const kDefaultModelPricesJson = R\"tally_json(${text})tally_json\";\n}\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
