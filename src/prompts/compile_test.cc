#include "prompts/compile.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <fstream>
#include <sstream>

namespace tally::prompts {
namespace {

namespace bj = boost::json;

// compile_vectors.json is shared with the web UI, which must compile prompt
// previews exactly as these tests do.
bj::object LoadVectors() {
  std::ifstream file(TALLY_PROMPTS_VECTORS);
  std::stringstream text;
  text << file.rdbuf();
  return bj::parse(text.str()).as_object();
}

TemplateEngine EngineOf(const bj::object& vector) {
  return vector.at("engine") == "substitution" ? TemplateEngine::kSubstitution : TemplateEngine::kMustache;
}

TEST(CompileVectors, TextTemplates) {
  const bj::object vectors = LoadVectors();
  ASSERT_GT(vectors.at("text").as_array().size(), 40u);
  for (const bj::value& entry : vectors.at("text").as_array()) {
    const bj::object& vector = entry.as_object();
    SCOPED_TRACE(std::string(vector.at("engine").as_string()) + ": " + std::string(vector.at("name").as_string()));
    auto rendered = RenderTemplate(vector.at("template").as_string(), vector.at("variables").as_object(),
                                   EngineOf(vector));
    if (vector.contains("error")) {
      EXPECT_FALSE(rendered) << *rendered;
      continue;
    }
    ASSERT_TRUE(rendered) << rendered.error().fields.at(0).message;
    EXPECT_EQ(*rendered, vector.at("expected").as_string());
  }
}

TEST(CompileVectors, ChatMessages) {
  const bj::object vectors = LoadVectors();
  ASSERT_GT(vectors.at("chat").as_array().size(), 5u);
  for (const bj::value& entry : vectors.at("chat").as_array()) {
    const bj::object& vector = entry.as_object();
    SCOPED_TRACE(std::string(vector.at("engine").as_string()) + ": " + std::string(vector.at("name").as_string()));
    auto compiled = CompileChatMessages(vector.at("messages").as_array(), vector.at("variables").as_object(),
                                        vector.at("placeholders").as_object(), EngineOf(vector));
    if (vector.contains("error")) {
      EXPECT_FALSE(compiled);
      continue;
    }
    ASSERT_TRUE(compiled) << compiled.error().message;
    EXPECT_EQ(bj::serialize(*compiled), bj::serialize(vector.at("expected")));
  }
}

}  // namespace
}  // namespace tally::prompts
