#include "core/secret_box.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/crypto.h"
#include "core/log.h"

namespace tally::core {

namespace {

constexpr std::string_view kVersionPrefix = "v1:";
// BLAKE2b key for the derivation, so the box key differs from any other hash
// of the same TALLY_SECRET_KEY that Tally might compute later.
constexpr std::string_view kDerivationContext = "tally secret box v1";

}  // namespace

struct SecretBox::Key {
  std::array<unsigned char, crypto_secretbox_KEYBYTES> bytes{};
  ~Key() { sodium_memzero(bytes.data(), bytes.size()); }
};

Result<SecretBox> SecretBox::FromKey(std::string_view key_material) {
  if (key_material.size() < kMinKeyLength) {
    return Error::Invalid(fmt::format(
        "TALLY_SECRET_KEY is too short: use at least {} characters, for example the output of `openssl rand -hex 32`",
        kMinKeyLength));
  }
  auto key = std::make_shared<Key>();
  crypto_generichash(key->bytes.data(), key->bytes.size(),
                     reinterpret_cast<const unsigned char*>(key_material.data()), key_material.size(),
                     reinterpret_cast<const unsigned char*>(kDerivationContext.data()), kDerivationContext.size());
  SecretBox box;
  box.key_ = std::move(key);
  return box;
}

SecretBox SecretBox::WithoutKey(std::string reason) {
  SecretBox box;
  box.missing_key_reason_ = std::move(reason);
  return box;
}

Result<std::string> SecretBox::Seal(std::string_view plaintext) const {
  if (!key_) return Error::Unavailable(missing_key_reason_);

  std::string raw(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(raw.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(plaintext.data()),
                        plaintext.size(), nonce, key_->bytes.data());
  return std::string(kVersionPrefix) + Base64Encode(raw);
}

Result<std::string> SecretBox::Open(std::string_view sealed) const {
  if (!key_) return Error::Unavailable(missing_key_reason_);

  if (!sealed.starts_with(kVersionPrefix)) {
    return Error::Internal("sealed secret has no known version prefix");
  }
  auto raw = Base64Decode(sealed.substr(kVersionPrefix.size()));
  if (!raw || raw->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return Error::Internal("sealed secret is not valid base64 or is truncated");
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(raw->data());
  const unsigned char* boxed = nonce + crypto_secretbox_NONCEBYTES;
  const size_t boxed_size = raw->size() - crypto_secretbox_NONCEBYTES;
  std::string plaintext(boxed_size - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plaintext.data()), boxed, boxed_size, nonce,
                                 key_->bytes.data()) != 0) {
    Error error = Error::Internal(
        "sealed secret failed authentication: it was sealed under another TALLY_SECRET_KEY or is corrupted");
    error.message = "A stored credential cannot be decrypted; check that TALLY_SECRET_KEY is the key it was saved with";
    return error;
  }
  return plaintext;
}

namespace {

// Reads the generated key file, or creates it with O_EXCL so two processes
// starting together agree on one key.
Result<std::string> ReadOrCreateKeyFile(const std::filesystem::path& path) {
  const std::string key = RandomHex(32);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    const ssize_t written = ::write(fd, key.data(), key.size());
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (written != static_cast<ssize_t>(key.size()) || !synced) {
      std::filesystem::remove(path);
      return Error::Internal(fmt::format("cannot write secret key file {}: {}", path.string(), std::strerror(errno)));
    }
    TALLY_LOG_INFO("event=secret_key_generated path={} mode=0600 note=\"back this file up with the database\"",
                   LogValue(path.string()));
    return key;
  }
  if (errno != EEXIST) {
    return Error::Internal(fmt::format("cannot create secret key file {}: {}", path.string(), std::strerror(errno)));
  }

  std::ifstream file(path);
  std::stringstream contents;
  contents << file.rdbuf();
  if (!file) return Error::Internal(fmt::format("cannot read secret key file {}", path.string()));
  std::string existing = contents.str();
  while (!existing.empty() && (existing.back() == '\n' || existing.back() == '\r')) existing.pop_back();
  return existing;
}

}  // namespace

Result<SecretBox> LoadSecretBox(std::string_view configured_key, const std::filesystem::path& generated_key_dir) {
  if (!configured_key.empty()) return SecretBox::FromKey(configured_key);
  if (generated_key_dir.empty()) {
    return SecretBox::WithoutKey(
        "Credentials cannot be stored because TALLY_SECRET_KEY is not set; an administrator must set it to a random "
        "string of at least 32 characters shared by every Tally process");
  }

  std::error_code ignored;
  std::filesystem::create_directories(generated_key_dir, ignored);
  TALLY_ASSIGN_OR_RETURN(key, ReadOrCreateKeyFile(generated_key_dir / kGeneratedSecretKeyFile));
  auto box = SecretBox::FromKey(key);
  if (!box) {
    return Error::Internal(fmt::format("secret key file {} contains fewer than {} characters; restore it from a backup",
                                       (generated_key_dir / kGeneratedSecretKeyFile).string(),
                                       SecretBox::kMinKeyLength));
  }
  return box;
}

}  // namespace tally::core
