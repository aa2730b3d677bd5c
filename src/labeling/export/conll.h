// CoNLL 2003 tokens and BIO tags as Label Studio's converter makes them:
// NLTK's Penn Treebank word tokenizer (with the converter's own punctuation
// rules, which split ; @ # $ / % & and a sentence-final period) aligned back
// to the text, then B-/I- tags from the spans of the first Labels control.
//
// Offsets are code points, as Python indexes strings.
//
// Thread-safety: reentrant functions.
#pragma once

#include <boost/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace tally::labeling::exporting {

struct Token {
  std::string text;
  size_t start = 0;  // code point offset into the text
};

// NLTK TreebankWordTokenizer.span_tokenize, as the converter configures it.
// NOTE: \s, \d and \b match ASCII only here, while Python's re matches
// Unicode, so texts with non-ASCII spaces or digits may split differently.
std::vector<Token> TreebankTokens(const std::string& text);

// The converter's create_tokens_and_tags: tokens of `text` and one tag per
// token ("O", "B-<label>", "I-<label>") from `spans` (Labels values with
// start, end and labels); all "O" when a span lacks start or end.
std::pair<std::vector<std::string>, std::vector<std::string>> TokensAndTags(const std::string& text,
                                                                            const boost::json::array* spans);

}  // namespace tally::labeling::exporting
