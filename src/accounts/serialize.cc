#include "accounts/serialize.h"

#include <charconv>
#include <fmt/format.h>

namespace tally::accounts {

namespace bj = boost::json;

namespace {

// The first UTF-8 character of `text` (all its bytes), or empty.
std::string_view FirstCharacter(std::string_view text) {
  if (text.empty()) return {};
  size_t length = 1;
  while (length < text.size() && length < 4 && (static_cast<unsigned char>(text[length]) & 0xC0) == 0x80) ++length;
  return text.substr(0, length);
}

}  // namespace

bj::object UserJson(const User& user) {
  std::string initials;
  initials += FirstCharacter(user.first_name);
  initials += FirstCharacter(user.last_name);
  if (initials.empty()) {
    const std::string_view first = FirstCharacter(user.email);
    initials += first;
    initials += FirstCharacter(std::string_view(user.email).substr(first.size()));
  }

  return bj::object{
      {"id", user.id},
      {"first_name", user.first_name},
      {"last_name", user.last_name},
      {"username", user.username},
      {"email", user.email},
      {"last_activity", FormatIsoMicros(user.last_activity)},
      {"avatar", nullptr},
      {"initials", initials},
      {"phone", user.phone},
      {"active_organization", user.active_organization_id ? bj::value(*user.active_organization_id) : bj::value(nullptr)},
      {"allow_newsletters", user.allow_newsletters},
      {"date_joined", FormatIsoMicros(user.date_joined)},
  };
}

namespace {

Result<int64_t> ParsePositive(const http::Request& request, const char* name, int64_t fallback) {
  auto text = request.Query(name);
  if (!text || text->empty()) return fallback;
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || ptr != text->data() + text->size() || value < 1) {
    return Error::InvalidField(name, "must be a positive integer");
  }
  return value;
}

}  // namespace

Result<PageRequest> ParsePageRequest(const http::Request& request, int64_t default_size, int64_t max_size) {
  PageRequest page;
  TALLY_ASSIGN_OR_RETURN(number, ParsePositive(request, "page", 1));
  TALLY_ASSIGN_OR_RETURN(size, ParsePositive(request, "page_size", default_size));
  page.page = number;
  page.page_size = std::min(size, max_size);
  return page;
}

Result<bj::object> PageJson(const http::Request& request, const PageRequest& page, int64_t count, bj::array results) {
  const int64_t last_page = std::max<int64_t>(1, (count + page.page_size - 1) / page.page_size);
  if (page.page > last_page) return Error::NotFound("Invalid page.");

  auto link = [&](int64_t number) -> bj::value {
    if (number < 1 || number > last_page) return nullptr;
    return bj::value(fmt::format("{}?page={}&page_size={}", request.path, number, page.page_size));
  };
  return bj::object{{"count", count},
                    {"next", link(page.page + 1)},
                    {"previous", link(page.page - 1)},
                    {"results", std::move(results)}};
}

}  // namespace tally::accounts
