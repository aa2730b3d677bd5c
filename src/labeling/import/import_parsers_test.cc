// Tables of cases for the import readers: CSV/TSV/TXT records, JSON item
// splitting, multipart bodies and UTF-8 checks.
#include <gtest/gtest.h>

#include "labeling/import/delimited.h"
#include "labeling/import/json_items.h"
#include "labeling/import/multipart.h"

namespace tally::labeling {
namespace {

namespace bj = boost::json;

std::vector<std::vector<std::string>> ReadAll(std::string_view text, char separator) {
  std::vector<std::vector<std::string>> records;
  auto read = ForEachDelimitedRecord(text, separator, [&](std::vector<std::string>& cells, size_t) -> Result<void> {
    records.push_back(cells);
    return Ok();
  });
  EXPECT_TRUE(read) << read.error().message;
  return records;
}

TEST(DelimitedRecords, TableOfCases) {
  struct Case {
    const char* name;
    std::string text;
    char separator;
    std::vector<std::vector<std::string>> expected;
  };
  const std::vector<Case> cases = {
      {"plain", "a,b\n1,2\n", ',', {{"a", "b"}, {"1", "2"}}},
      {"crlf", "a,b\r\n1,2\r\n", ',', {{"a", "b"}, {"1", "2"}}},
      {"no final newline", "a,b\n1,2", ',', {{"a", "b"}, {"1", "2"}}},
      {"bom", "\xEF\xBB\xBF" "a\nx\n", ',', {{"a"}, {"x"}}},
      {"quoted separator", "a\n\"x,y\"\n", ',', {{"a"}, {"x,y"}}},
      {"doubled quote", "a\n\"say \"\"hi\"\"\"\n", ',', {{"a"}, {"say \"hi\""}}},
      {"quoted line breaks kept", "a\n\"l1\r\nl2\nl3\"\n", ',', {{"a"}, {"l1\r\nl2\nl3"}}},
      {"empty cells", "a,b,c\n,,\n", ',', {{"a", "b", "c"}, {"", "", ""}}},
      {"empty quoted cell", "a,b\n\"\",x\n", ',', {{"a", "b"}, {"", "x"}}},
      {"blank lines skipped", "a\n\nx\n\r\n", ',', {{"a"}, {"x"}}},
      {"numbers stay text", "n\n007\n1e3\n", ',', {{"n"}, {"007"}, {"1e3"}}},
      {"tab separated", "a\tb\nx, y\tz\n", '\t', {{"a", "b"}, {"x, y", "z"}}},
      {"semicolons", "a;b\n1,5;2\n", ';', {{"a", "b"}, {"1,5", "2"}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(ReadAll(c.text, c.separator), c.expected);
  }
}

TEST(DelimitedRecords, RejectsBrokenQuoting) {
  auto ignore = [](std::vector<std::string>&, size_t) -> Result<void> { return Ok(); };
  auto unclosed = ForEachDelimitedRecord("a\n\"open\nstill open\n", ',', ignore);
  ASSERT_FALSE(unclosed);
  EXPECT_NE(unclosed.error().message.find("line 2"), std::string::npos) << unclosed.error().message;
  EXPECT_FALSE(ForEachDelimitedRecord("a\nx\"y\n", ',', ignore));
  EXPECT_FALSE(ForEachDelimitedRecord("a\n\"x\"y\n", ',', ignore));
}

TEST(DelimitedRecords, ReportsRecordStartLine) {
  std::vector<size_t> lines;
  auto read = ForEachDelimitedRecord("a\n\"1\n2\"\nb\n", ',', [&](std::vector<std::string>&, size_t line) -> Result<void> {
    lines.push_back(line);
    return Ok();
  });
  ASSERT_TRUE(read);
  EXPECT_EQ(lines, (std::vector<size_t>{1, 2, 4}));
}

TEST(DelimitedRecords, DetectsSeparator) {
  EXPECT_EQ(DetectCsvSeparator("a;b;c\n1,2;3;4\n"), ';');
  EXPECT_EQ(DetectCsvSeparator("a,b;c\n"), ',');
  EXPECT_EQ(DetectCsvSeparator("single\n"), ',');
}

TEST(TextLines, SplitsLikeSplitlines) {
  std::vector<std::string> lines;
  auto read = ForEachTextLine("\xEF\xBB\xBFone\r\ntwo\n\nfour", [&](std::string_view line) -> Result<void> {
    lines.emplace_back(line);
    return Ok();
  });
  ASSERT_TRUE(read);
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "", "four"}));
}

TEST(Utf8, TableOfCases) {
  const std::vector<std::pair<std::string, bool>> cases = {
      {"plain ascii", true},
      {"caf\xC3\xA9", true},
      {"\xE2\x82\xAC and \xF0\x9F\x98\x80", true},
      {"\xFF", false},
      {"\xC3", false},
      {"\xC0\xAF", false},          // overlong '/'
      {"\xED\xA0\x80", false},      // surrogate
      {"\xF4\x90\x80\x80", false},  // above U+10FFFF
  };
  for (const auto& [text, valid] : cases) EXPECT_EQ(IsValidUtf8(text), valid) << text;
}

std::vector<std::string> SplitItems(std::string_view text) {
  std::vector<std::string> items;
  auto read = ForEachJsonItem(text, [&](bj::value& item) -> Result<void> {
    items.push_back(bj::serialize(item));
    return Ok();
  });
  EXPECT_TRUE(read) << text << ": " << read.error().message;
  return items;
}

TEST(JsonItems, SplitsArraysAndObjects) {
  EXPECT_EQ(SplitItems(R"([{"a":1}, {"b":"]},["}])"), (std::vector<std::string>{R"({"a":1})", R"({"b":"]},["})"}));
  EXPECT_EQ(SplitItems(" \n{\"a\": [1, 2]}\n"), (std::vector<std::string>{R"({"a":[1,2]})"}));
  EXPECT_EQ(SplitItems("\xEF\xBB\xBF[ ]"), std::vector<std::string>{});
  EXPECT_EQ(SplitItems(R"([1, "two", null, {"x":"\"q\""}])"),
            (std::vector<std::string>{"1", "\"two\"", "null", R"({"x":"\"q\""})"}));
}

TEST(JsonItems, RejectsMalformedText) {
  auto ignore = [](bj::value&) -> Result<void> { return Ok(); };
  for (const char* text : {"", "42", "[{\"a\":1},]", "[{\"a\":1} {\"b\":2}]", "[{\"a\":1}", "[{\"a\":}]",
                           "[{\"a\":1}] trailing", "[\"\xFF\"]"}) {
    EXPECT_FALSE(ForEachJsonItem(text, ignore)) << text;
  }
}

// The items and the outcome of a text read in pieces of `size` bytes.
std::pair<std::vector<std::string>, bool> ReadInPieces(std::string_view text, size_t size) {
  std::vector<std::string> items;
  JsonItemReader reader([&](bj::value& item) -> Result<void> {
    items.push_back(bj::serialize(item));
    return Ok();
  });
  bool ok = true;
  for (size_t at = 0; at < text.size() && ok; at += size) ok = static_cast<bool>(reader.Feed(text.substr(at, size)));
  if (ok) ok = static_cast<bool>(reader.Finish());
  return {items, ok};
}

TEST(JsonItems, PiecesGiveTheSameItems) {
  const std::vector<std::string> texts = {
      R"([{"a":1}, {"b":"]},["}])",
      " \n{\"a\": [1, 2]}\n",
      "\xEF\xBB\xBF[ ]",
      "\xEF\xBB\xBF[{\"t\":\"\xEF\xBB\xBF\"}]",
      R"([1, "two", null, {"x":"\"q\\"}, 2.5e3 ,true])",
      "\xEF\xBB",
      "",
      "42",
      "[{\"a\":1},]",
      "[{\"a\":1} {\"b\":2}]",
      "[{\"a\":1}",
      "[{\"a\":}]",
      "[{\"a\":1}] trailing",
      "[\"\xFF\"]",
      "[12",
  };
  for (const std::string& text : texts) {
    const auto whole = ReadInPieces(text, std::max<size_t>(text.size(), 1));
    for (size_t size = 1; size < text.size(); ++size) {
      EXPECT_EQ(ReadInPieces(text, size), whole) << "text " << text << " in pieces of " << size;
    }
  }
}

TEST(JsonItems, ReaderReportsOffsetsOfBadItems) {
  JsonItemReader reader([](bj::value&) -> Result<void> { return Ok(); });
  ASSERT_TRUE(reader.Feed("[{\"a\":1},"));
  auto fed = reader.Feed(" {\"b\":}]");
  ASSERT_FALSE(fed);
  EXPECT_NE(fed.error().message.find("near byte 10"), std::string::npos) << fed.error().message;
  EXPECT_FALSE(reader.Finish());
}

TEST(JsonItems, StopsAtCallbackError) {
  int seen = 0;
  auto read = ForEachJsonItem("[1,2,3]", [&](bj::value&) -> Result<void> {
    if (++seen == 2) return Error::Unavailable("stop");
    return Ok();
  });
  ASSERT_FALSE(read);
  EXPECT_EQ(seen, 2);
}

TEST(JsonItems, ReadsJsonLines) {
  std::vector<std::string> items;
  auto read = ForEachJsonLine("{\"a\":1}\r\n\n{\"b\":2}", [&](bj::value& item) -> Result<void> {
    items.push_back(bj::serialize(item));
    return Ok();
  });
  ASSERT_TRUE(read);
  EXPECT_EQ(items, (std::vector<std::string>{R"({"a":1})", R"({"b":2})"}));
}

TEST(Multipart, ReadsFilesAndFields) {
  EXPECT_EQ(MultipartBoundary("multipart/form-data; boundary=XyZ"), "XyZ");
  EXPECT_EQ(MultipartBoundary("Multipart/Form-Data; boundary=\"a b\""), "a b");
  EXPECT_EQ(MultipartBoundary("application/json"), "");

  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a b.csv\"\r\n"
      "Content-Type: text/csv\r\n\r\ntext\r\nline\r\n"
      "--XyZ--\r\n";
  auto parts = ParseMultipart(body, "XyZ");
  ASSERT_TRUE(parts) << parts.error().message;
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "note");
  EXPECT_EQ((*parts)[0].filename, "");
  EXPECT_EQ((*parts)[0].content, "hello");
  EXPECT_EQ((*parts)[1].name, "file");
  EXPECT_EQ((*parts)[1].filename, "a b.csv");
  EXPECT_EQ((*parts)[1].content_type, "text/csv");
  EXPECT_EQ((*parts)[1].content, "text\r\nline");
}

TEST(Multipart, RejectsBrokenBodies) {
  EXPECT_FALSE(ParseMultipart("no boundary here", "XyZ"));
  EXPECT_FALSE(ParseMultipart("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated", "XyZ"));
  EXPECT_FALSE(ParseMultipart("--XyZ\r\nheaders without end", "XyZ"));
  EXPECT_FALSE(ParseMultipart("--XyZ--", ""));
}

}  // namespace
}  // namespace tally::labeling
