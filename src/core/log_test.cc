#include "core/log.h"

#include <gtest/gtest.h>

namespace tally {
namespace {

TEST(RedactUrl, HidesPasswords) {
  EXPECT_EQ(RedactUrl("postgresql://u:secret@db:5432/x"), "postgresql://u:***@db:5432/x");
  EXPECT_EQ(RedactUrl("postgresql://u:se/cr?et#x@db/x"), "postgresql://u:***@db/x");
  EXPECT_EQ(RedactUrl("postgresql://db/x?user=u&password=secret&sslmode=require"),
            "postgresql://db/x?user=u&password=***&sslmode=require");
  EXPECT_EQ(RedactUrl("postgresql://u@db/x"), "postgresql://u@db/x");
  EXPECT_EQ(RedactUrl("sqlite:///data/tally.db"), "sqlite:///data/tally.db");
}

TEST(LogValue, EscapesControlCharacters) {
  EXPECT_EQ(LogValue("/api/x"), "/api/x");
  EXPECT_EQ(LogValue("/api/x\n2026 info event=login"), "/api/x\\x0a2026\\x20info\\x20event=login");
  EXPECT_EQ(LogValue("a\"b\x1b"), "a\\x22b\\x1b");
}

}  // namespace
}  // namespace tally
