// CONLL2003: "-DOCSTART- -X- O", then per record one "<token> -X- _ <tag>"
// line per token and an empty line, from the text of the first data key.
#include <algorithm>
#include <regex>

#include "labeling/export/conll.h"
#include "labeling/export/records.h"
#include "labeling/export/writer.h"

namespace tally::labeling::exporting {

namespace bj = boost::json;

namespace {

struct Rule {
  std::regex pattern;
  std::string replacement;  // ECMAScript form: $1, $&
};

const std::vector<Rule>& Rules() {
  static const std::vector<Rule> kRules = [] {
    std::vector<Rule> rules;
    // STARTING_QUOTES
    rules.push_back({std::regex(R"(^")"), "``"});
    rules.push_back({std::regex(R"((``))"), " $1 "});
    rules.push_back({std::regex(R"(([ \(\[{<])("|''))"), "$1 `` "});
    // PUNCTUATION, as the converter replaces NLTK's list
    rules.push_back({std::regex(R"(([:,])([^\d]))"), " $1 $2"});
    rules.push_back({std::regex(R"(([:,])$)"), " $1 "});
    rules.push_back({std::regex(R"(\.\.\.)"), " ... "});
    rules.push_back({std::regex(R"([;@#$/%&])"), " $& "});
    rules.push_back({std::regex(R"(([^\.])(\.)([\]\)}>"']*)\s*$)"), "$1 $2$3 "});
    rules.push_back({std::regex(R"([?!])"), " $& "});
    rules.push_back({std::regex(R"(([^'])' )"), "$1 ' "});
    // PARENS_BRACKETS, DOUBLE_DASHES
    rules.push_back({std::regex(R"([\]\[\(\)\{\}<>])"), " $& "});
    rules.push_back({std::regex(R"(--)"), " -- "});
    return rules;
  }();
  return kRules;
}

const std::vector<Rule>& EndingRules() {
  static const std::vector<Rule> kRules = [] {
    const auto icase = std::regex::ECMAScript | std::regex::icase;
    std::vector<Rule> rules;
    // ENDING_QUOTES
    rules.push_back({std::regex(R"('')"), " '' "});
    rules.push_back({std::regex(R"(")"), " '' "});
    rules.push_back({std::regex(R"(([^' ])('[sS]|'[mM]|'[dD]|') )"), "$1 $2 "});
    rules.push_back({std::regex(R"(([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) )"), "$1 $2 "});
    // CONTRACTIONS2 and CONTRACTIONS3 (case-insensitive)
    for (const char* pattern : {R"(\b(can)(not)\b)", R"(\b(d)('ye)\b)", R"(\b(gim)(me)\b)", R"(\b(gon)(na)\b)",
                                R"(\b(got)(ta)\b)", R"(\b(lem)(me)\b)", R"(\b(more)('n)\b)", R"(\b(wan)(na)(?=\s))",
                                R"( ('t)(is)\b)", R"( ('t)(was)\b)"}) {
      rules.push_back({std::regex(pattern, icase), " $1 $2 "});
    }
    return rules;
  }();
  return kRules;
}

std::vector<std::string> SplitWhitespace(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word.push_back(c);
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

size_t CodePoints(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(),
                                           [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

std::vector<Token> TreebankTokens(const std::string& text) {
  std::string work = text;
  for (const Rule& rule : Rules()) work = std::regex_replace(work, rule.pattern, rule.replacement);
  work = " " + work + " ";
  for (const Rule& rule : EndingRules()) work = std::regex_replace(work, rule.pattern, rule.replacement);
  std::vector<std::string> words = SplitWhitespace(work);

  // The tokenizer rewrote quotes as `` and ''; put the original quote
  // characters back, in order, before aligning tokens with the text.
  if (text.find('"') != std::string::npos || text.find("''") != std::string::npos) {
    static const std::regex kQuotes(R"(``|''|")");
    std::vector<std::string> quotes;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kQuotes); it != std::sregex_iterator(); ++it) {
      quotes.push_back(it->str());
    }
    size_t next = 0;
    for (std::string& word : words) {
      if ((word == "\"" || word == "``" || word == "''") && next < quotes.size()) word = quotes[next++];
    }
  }

  std::vector<Token> tokens;
  size_t point = 0;  // byte offset
  size_t point_code = 0;
  for (const std::string& word : words) {
    const size_t at = text.find(word, point);
    // NOTE: NLTK raises when a token is not found; such a token is dropped.
    if (at == std::string::npos) continue;
    const size_t start = point_code + CodePoints(std::string_view(text).substr(point, at - point));
    tokens.push_back(Token{word, start});
    point = at + word.size();
    point_code = start + CodePoints(word);
  }
  return tokens;
}

std::pair<std::vector<std::string>, std::vector<std::string>> TokensAndTags(const std::string& text,
                                                                            const bj::array* spans) {
  const std::vector<Token> tokens = TreebankTokens(text);
  std::vector<std::string> words, tags;
  const auto number = [](const bj::object& span, std::string_view key) -> std::optional<int64_t> {
    const bj::value* value = span.if_contains(key);
    if (!value || !value->is_number()) return std::nullopt;
    return static_cast<int64_t>(value->to_number<double>());
  };
  bool usable = spans && !spans->empty();
  std::vector<const bj::object*> sorted;
  if (usable) {
    for (const bj::value& span : *spans) {
      if (!span.is_object() || !number(span.get_object(), "start") || !number(span.get_object(), "end")) {
        usable = false;
        break;
      }
      sorted.push_back(&span.get_object());
    }
  }
  if (!usable) {
    for (const Token& token : tokens) {
      words.push_back(token.text);
      tags.push_back("O");
    }
    return {words, tags};
  }
  std::stable_sort(sorted.begin(), sorted.end(), [&](const bj::object* left, const bj::object* right) {
    return *number(*left, "start") < *number(*right, "start");
  });
  size_t next = 0;
  const bj::object* span = sorted[next++];
  int64_t span_start = *number(*span, "start");
  int64_t span_end = *number(*span, "end") - 1;
  std::string prefix = "B-";
  for (const Token& token : tokens) {
    words.push_back(token.text);
    const auto token_start = static_cast<int64_t>(token.start);
    const int64_t token_end = token_start + static_cast<int64_t>(CodePoints(token.text)) - 1;
    if (token_start > span_end) {
      while (next < sorted.size()) {
        span = sorted[next++];
        span_start = *number(*span, "start");
        span_end = *number(*span, "end") - 1;
        prefix = "B-";
        if (token_start <= span_end) break;
      }
    }
    const bj::value* labels = span->if_contains("labels");
    const bool labeled = labels && labels->is_array() && !labels->get_array().empty();
    if (token_end < span_start || !labeled) {
      tags.push_back("O");
    } else if (span_start <= token_end && span_end >= token_start) {
      const bj::value& label = labels->get_array().front();
      tags.push_back(prefix + (label.is_string() ? std::string(label.get_string()) : bj::serialize(label)));
      prefix = "I-";
    } else {
      tags.push_back("O");
    }
  }
  return {words, tags};
}

namespace {

class ConllWriter : public FormatWriter {
 public:
  explicit ConllWriter(const ExportSchema& schema) : schema_(schema) {
    const std::vector<std::string> keys = schema.DataKeys();
    data_key_ = keys.empty() ? "text" : keys.front();
  }

  Result<void> BeginPass(int, ExportSink& sink) override {
    TALLY_TRY(sink.BeginFile("result.conll"));
    return sink.Write("-DOCSTART- -X- O\n");
  }

  Result<void> AddTask(int, const bj::object& task, ExportSink& sink) override {
    std::string out;
    for (const AnnotationRecord& record : RecordsOfTask(task, schema_)) {
      const bj::array* spans = nullptr;
      for (const auto& member : record.output) {
        const bj::array& values = member.value().get_array();
        if (values.empty()) continue;
        const bj::value* type = values.front().get_object().if_contains("type");
        if (type && type->is_string() && type->get_string() == "Labels") {
          spans = &values;
          break;
        }
      }
      const bj::value* text = record.input->if_contains(data_key_);
      const std::string content = text && text->is_string() ? std::string(text->get_string()) : std::string();
      const auto [tokens, tags] = TokensAndTags(content, spans);
      for (size_t i = 0; i < tokens.size(); ++i) out += tokens[i] + " -X- _ " + tags[i] + "\n";
      out += "\n";
    }
    return sink.Write(out);
  }

  Result<bool> Finish(ExportSink& sink) override {
    TALLY_TRY(sink.EndFile());
    return true;
  }

 private:
  const ExportSchema& schema_;
  std::string data_key_;
};

}  // namespace

std::unique_ptr<FormatWriter> MakeConllWriter(const ExportSchema& schema) {
  return std::make_unique<ConllWriter>(schema);
}

}  // namespace tally::labeling::exporting
