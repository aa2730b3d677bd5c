// Wall-clock time in the formats the two APIs speak.
//
// Timestamps are carried as microseconds since the Unix epoch (int64, UTC) in
// memory and in the database, and formatted only at the API boundary.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tally {

using Micros = int64_t;

// Current time in microseconds since the Unix epoch.
Micros NowMicros();

// "2024-03-01T10:00:00.123456Z": Label Studio's timestamp form.
std::string FormatIsoMicros(Micros t);

// "2024-03-01T10:00:00.123Z": Langfuse's (JavaScript Date) form.
std::string FormatIsoMillis(Micros t);

// Parses an ISO 8601 date-time with a 'T' and an explicit zone ('Z' or ±hh:mm);
// seconds and fraction are optional and the fraction may have any number of
// digits. Returns nullopt for anything else, including a naive time, a space
// in place of 'T', a date alone and an offset without a colon.
std::optional<Micros> ParseIsoTimestamp(std::string_view text);

}  // namespace tally
