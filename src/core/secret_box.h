// SecretBox: encryption at rest for credentials Tally must send on to other
// services (webhook signing secrets, ML backend passwords, LLM API keys).
//
// Sealing uses libsodium's crypto_secretbox (XSalsa20-Poly1305) with a fresh
// random nonce per value. The 32-byte key is BLAKE2b of the configured
// TALLY_SECRET_KEY, so any string of at least kMinKeyLength characters works
// as key material. A sealed value is "v1:" followed by standard base64 of
// nonce ‖ MAC ‖ ciphertext. The version prefix lets a later format or key
// rotation tell old values apart.
//
// A box may have no key (PostgreSQL deployments without TALLY_SECRET_KEY).
// Such a box rejects every Seal and Open with kUnavailable and a message that
// tells the operator to set TALLY_SECRET_KEY, so no credential is ever stored
// in clear.
//
// Thread-safety: a SecretBox is immutable after construction; copy it freely
// and call it from any thread. InitCrypto() must have run.
#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace tally::core {

class SecretBox {
 public:
  // Shortest accepted TALLY_SECRET_KEY, in characters: 32 random hex digits
  // carry 128 bits.
  static constexpr size_t kMinKeyLength = 32;

  // Builds a box keyed by `key_material`. Fails with kInvalidArgument when it
  // is shorter than kMinKeyLength.
  [[nodiscard]] static Result<SecretBox> FromKey(std::string_view key_material);

  // Builds a box without a key. Seal and Open fail with kUnavailable and
  // `reason` as the client-safe message.
  static SecretBox WithoutKey(std::string reason);

  bool has_key() const { return key_ != nullptr; }

  // Encrypts `plaintext`. Returns the sealed text ("v1:…"); fails only with
  // kUnavailable when the box has no key.
  [[nodiscard]] Result<std::string> Seal(std::string_view plaintext) const;

  // Decrypts a value from Seal. Fails with kUnavailable when the box has no
  // key, and with kInternal when the value is malformed or was sealed under
  // another key (the message then names TALLY_SECRET_KEY as the likely cause).
  [[nodiscard]] Result<std::string> Open(std::string_view sealed) const;

 private:
  struct Key;
  SecretBox() = default;
  std::shared_ptr<const Key> key_;
  std::string missing_key_reason_;
};

// Name of the key file generated under the data directory of a SQLite
// deployment that runs without TALLY_SECRET_KEY.
inline constexpr std::string_view kGeneratedSecretKeyFile = "secret.key";

// Builds the process's SecretBox:
//   - from `configured_key` when it is not empty;
//   - else, when `generated_key_dir` is not empty, from the key file in it,
//     which is created once with 64 random hex characters and mode 0600 (the
//     creation is logged, never the key);
//   - else without a key, with a message naming TALLY_SECRET_KEY.
// Fails with kInvalidArgument for a configured key that is too short, and with
// kInternal when the key file cannot be read or written.
[[nodiscard]] Result<SecretBox> LoadSecretBox(std::string_view configured_key,
                                              const std::filesystem::path& generated_key_dir);

}  // namespace tally::core
