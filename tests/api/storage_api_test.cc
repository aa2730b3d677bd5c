// Storages end to end, on SQLite and on PostgreSQL, against real peers on
// 127.0.0.1: s3rver behind a proxy that checks every SigV4 signature
// (tests/peers/s3_peer.py) and a local files root. The suites cover
// credentials that never come back, validation, sync of task JSON and media
// objects, resync, each kind of failure, presigned and proxied media,
// export of annotations and the local files path guard.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "api/labeling_fixture.h"
#include "support/peer_process.h"

namespace tally {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSecretKey = "storage-api-test-secret-key-0123456789abcdef";
constexpr const char* kS3Secret = "s3-secret-do-not-leak-7f2c9e";
constexpr const char* kImageConfig =
    R"(<View><Image name="image" value="$image"/><Choices name="label" toName="image">)"
    R"(<Choice value="Cat"/><Choice value="Dog"/></Choices></View>)";

// `size` bytes in which each aligned 4-byte word is its own index, so a part
// served from the wrong offset differs from the expected one.
std::string NumberedBytes(size_t size) {
  std::string bytes;
  bytes.reserve(size + 4);
  for (uint32_t i = 0; bytes.size() < size; ++i) bytes.append(reinterpret_cast<const char*>(&i), sizeof i);
  bytes.resize(size);
  return bytes;
}

bool IsFinished(const bj::value& storage) {
  const auto& status = storage.at("status");
  return status == "completed" || status == "completed_with_errors" || status == "failed";
}

class StorageApiTest : public LabelingApiTest {
 protected:
  void SetUp() override {
    s3_dir_ = fs::temp_directory_path() / ("tally-s3-peer-" + std::to_string(::getpid()) + "-" + GetParam());
    local_root_ = fs::temp_directory_path() / ("tally-local-root-" + std::to_string(::getpid()) + "-" + GetParam());
    fs::remove_all(s3_dir_);
    fs::remove_all(local_root_);
    fs::create_directories(s3_dir_);
    fs::create_directories(local_root_ / "images");
    s3_ = std::make_unique<testing::PeerProcess>(
        "s3_peer.py", std::vector<std::string>{"--data-dir", s3_dir_.string(), "--secret-key", kS3Secret, "--bucket",
                                               "tasks", "--bucket", "media", "--bucket", "exports"});
    if (!s3_->started()) {
      if (std::getenv("CI") && std::string(std::getenv("CI")) == "true") FAIL() << s3_->failure_reason();
      GTEST_SKIP() << "S3 peer did not start (run npm ci in tests/peers): " << s3_->failure_reason();
    }
    peer_ = std::make_unique<testing::HttpClient>(s3_->base_url());
    StartServer({{"TALLY_SECRET_KEY", kSecretKey}, {"TALLY_LOCAL_FILES_ROOT", local_root_.string()}});
  }

  void TearDown() override {
    if (server_) {
      // No secret may reach the server's log, whatever the test did.
      EXPECT_EQ(server_->Log().find(kS3Secret), std::string::npos) << "the S3 secret was logged";
    }
    s3_.reset();
    std::error_code ec;
    fs::remove_all(s3_dir_, ec);
    fs::remove_all(local_root_, ec);
  }

  void PutObject(const std::string& bucket, const std::string& key, const std::string& body) {
    auto put = peer_->Send("PUT", "/__peer/objects/" + bucket + "/" + key, body);
    ASSERT_EQ(put.status, 200) << put.body;
  }

  testing::HttpResponse PeerObject(const std::string& bucket, const std::string& key) {
    return peer_->Get("/__peer/objects/" + bucket + "/" + key);
  }

  void AddFault(const bj::object& fault) {
    ASSERT_EQ(peer_->Post("/__peer/faults", bj::serialize(fault)).status, 200);
  }

  bj::object S3Fields(const std::string& bucket, const std::string& secret = kS3Secret) {
    return {{"bucket", bucket},
            {"s3_endpoint", s3_->base_url()},
            {"region_name", "us-east-1"},
            {"aws_access_key_id", "S3RVER"},
            {"aws_secret_access_key", secret}};
  }

  // Creates a storage under `base` ("/api/storages/s3" …) and returns it.
  bj::object CreateStorage(const std::string& base, int64_t project_id, bj::object fields) {
    fields["project"] = project_id;
    auto created = Post(base, bj::serialize(fields));
    EXPECT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.body.find(kS3Secret), std::string::npos) << "a credential came back";
    return created.status == 201 ? created.Json().as_object() : bj::object();
  }

  // Starts a sync and waits for the storage to finish it; returns the storage.
  bj::value Sync(const std::string& path) {
    auto started = Post(path + "/sync", "{}");
    EXPECT_EQ(started.status, 200) << started.body;
    return WaitForStorage(path);
  }

  bj::value WaitForStorage(const std::string& path) {
    bj::value storage;
    for (int i = 0; i < 300; ++i) {
      auto response = Get(path);
      EXPECT_EQ(response.status, 200) << response.body;
      EXPECT_EQ(response.body.find(kS3Secret), std::string::npos);
      storage = response.Json();
      if (IsFinished(storage)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return storage;
  }

  testing::HttpResponse GetRange(const std::string& path, const std::string& range) {
    return client_->Get(path, {Auth(kOwnerToken), "Range: " + range});
  }

  static std::string PathOf(const std::string& base, const bj::object& storage) {
    return base + "/" + std::to_string(storage.at("id").as_int64());
  }

  fs::path s3_dir_;
  fs::path local_root_;
  std::unique_ptr<testing::PeerProcess> s3_;
  std::unique_ptr<testing::HttpClient> peer_;
};

TEST_P(StorageApiTest, CredentialsAreMaskedAndValidated) {
  const int64_t project_id = CreateProject(kSentimentConfig);
  bj::object storage = CreateStorage("/api/storages/s3", project_id, S3Fields("tasks"));
  EXPECT_EQ(storage.at("type"), "s3");
  EXPECT_EQ(storage.at("status"), "initialized");
  EXPECT_EQ(storage.at("aws_secret_access_key"), nullptr);
  EXPECT_EQ(storage.at("aws_secret_access_key_is_set"), true);
  EXPECT_EQ(storage.at("aws_session_token_is_set"), false);
  EXPECT_EQ(storage.at("presign"), true);
  EXPECT_EQ(storage.at("presign_ttl"), 1);
  const std::string path = PathOf("/api/storages/s3", storage);

  auto types = Get("/api/storages/types");
  ASSERT_EQ(types.status, 200);
  EXPECT_EQ(types.Json().at(0).at("name"), "s3");
  auto listed = Get("/api/storages?project=" + std::to_string(project_id));
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.Json().as_array().size(), 1u);
  EXPECT_EQ(Get("/api/storages/export?project=" + std::to_string(project_id)).Json().as_array().size(), 0u);
  EXPECT_EQ(Get(path, outsider_token_).status, 404);
  EXPECT_EQ(Get(path, annotator_token_).status, 200);
  EXPECT_EQ(Patch(path, R"({"title": "x"})", annotator_token_).status, 403);
  EXPECT_EQ(Post("/api/storages/s3", bj::serialize(bj::object{{"project", project_id}, {"bucket", "b"}}),
                 annotator_token_)
                .status,
            403);

  // Validate: good credentials, a wrong secret (the peer checks SigV4),
  // and a saved storage with one field overridden.
  bj::object good = S3Fields("tasks");
  good["project"] = project_id;
  auto valid = Post("/api/storages/s3/validate", bj::serialize(good));
  EXPECT_EQ(valid.status, 200) << valid.body;
  bj::object wrong = S3Fields("tasks", "not-the-secret");
  wrong["project"] = project_id;
  auto rejected = Post("/api/storages/s3/validate", bj::serialize(wrong));
  EXPECT_EQ(rejected.status, 400) << rejected.body;
  EXPECT_NE(rejected.body.find("SignatureDoesNotMatch"), std::string::npos) << rejected.body;
  EXPECT_EQ(rejected.body.find("not-the-secret"), std::string::npos) << "errors never echo credentials";
  auto saved = Post("/api/storages/s3/validate", bj::serialize(bj::object{{"id", storage.at("id")}}));
  EXPECT_EQ(saved.status, 200) << saved.body;
  auto missing_bucket =
      Post("/api/storages/s3/validate", bj::serialize(bj::object{{"id", storage.at("id")}, {"bucket", "nope"}}));
  EXPECT_EQ(missing_bucket.status, 400) << missing_bucket.body;

  // Invalid fields are named.
  struct Case {
    bj::object body;
    std::string field;
  };
  const std::vector<Case> cases = {
      {{{"project", project_id}}, "bucket"},
      {{{"project", project_id}, {"bucket", "b"}, {"presign_ttl", 0}}, "presign_ttl"},
      {{{"project", project_id}, {"bucket", "b"}, {"regex_filter", "("}}, "regex_filter"},
      {{{"project", project_id}, {"bucket", "b"}, {"use_blob_urls", "yes"}}, "use_blob_urls"},
      {{{"project", project_id}, {"bucket", "b"}, {"s3_endpoint", "http://169.254.169.254"}}, "s3_endpoint"},
      {{{"bucket", "b"}}, "project"},
  };
  for (const Case& item : cases) {
    auto response = Post("/api/storages/s3", bj::serialize(item.body));
    EXPECT_EQ(response.status, 400) << bj::serialize(item.body) << " → " << response.body;
    EXPECT_NE(response.body.find("\"" + item.field + "\""), std::string::npos)
        << "expected field " << item.field << " in " << response.body;
  }

  // PATCH keeps credentials not sent and replaces those sent.
  auto renamed = Patch(path, R"({"title": "Tasks bucket"})");
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.Json().at("title"), "Tasks bucket");
  EXPECT_EQ(renamed.Json().at("aws_secret_access_key_is_set"), true);
  EXPECT_EQ(Post("/api/storages/s3/validate", bj::serialize(bj::object{{"id", storage.at("id")}})).status, 200);
  EXPECT_EQ(Delete(path).status, 204);
  EXPECT_EQ(Get(path).status, 404);
}

TEST_P(StorageApiTest, SyncImportsTasksAndResyncOnlyNewObjects) {
  const int64_t project_id = CreateProject(kSentimentConfig);
  PutObject("tasks", "batch/a.json", R"({"text": "first"})");
  PutObject("tasks", "batch/b.json", R"([{"data": {"text": "second"}}, {"text": "third"}])");
  PutObject("tasks", "batch/notes.txt", "not a task");
  PutObject("tasks", "batch/deeper/d.json", R"({"text": "not recursive"})");
  bj::object fields = S3Fields("tasks");
  fields["prefix"] = "batch/";
  fields["regex_filter"] = ".*\\.json";
  const std::string path = PathOf("/api/storages/s3", CreateStorage("/api/storages/s3", project_id, fields));

  bj::value synced = Sync(path);
  EXPECT_EQ(synced.at("status"), "completed") << bj::serialize(synced);
  EXPECT_EQ(synced.at("last_sync_count"), 3);
  EXPECT_EQ(synced.at("traceback"), nullptr);
  EXPECT_TRUE(synced.at("last_sync_job").is_int64());
  EXPECT_EQ(TaskList(project_id).size(), 3u);
  auto job = Get("/api/jobs/" + std::to_string(synced.at("last_sync_job").as_int64()));
  ASSERT_EQ(job.status, 200) << job.body;
  EXPECT_EQ(job.Json().at("status"), "succeeded");

  // A resync creates tasks only for objects added since.
  PutObject("tasks", "batch/c.json", R"({"text": "fourth"})");
  bj::value again = Sync(path);
  EXPECT_EQ(again.at("status"), "completed");
  EXPECT_EQ(again.at("last_sync_count"), 1);
  EXPECT_EQ(TaskList(project_id).size(), 4u);

  // Two sync requests back to back: the second is refused while the first
  // runs, or finds nothing new. Either way no task is duplicated.
  PutObject("tasks", "batch/e.json", R"({"text": "fifth"})");
  auto first = Post(path + "/sync", "{}");
  auto second = Post(path + "/sync", "{}");
  EXPECT_EQ(first.status, 200) << first.body;
  EXPECT_TRUE(second.status == 200 || second.status == 409) << second.status << " " << second.body;
  WaitForStorage(path);
  if (second.status == 200) WaitForStorage(path);
  EXPECT_EQ(Sync(path).at("last_sync_count"), 0);
  EXPECT_EQ(TaskList(project_id).size(), 5u);

  // Recursive scan picks up the nested object, once.
  EXPECT_EQ(Patch(path, R"({"recursive_scan": true})").status, 200);
  EXPECT_EQ(Sync(path).at("last_sync_count"), 1);
  EXPECT_EQ(TaskList(project_id).size(), 6u);
}

TEST_P(StorageApiTest, SyncReportsEachKindOfFailure) {
  const int64_t project_id = CreateProject(kSentimentConfig);
  PutObject("tasks", "good.json", R"({"text": "fine"})");
  PutObject("tasks", "broken.json", R"({"text": "no closing brace")");
  PutObject("tasks", "wrong-key.json", R"({"body": "the config reads $text"})");
  PutObject("tasks", "gone.json", R"({"text": "deleted during the sync"})");
  const std::string path = PathOf("/api/storages/s3", CreateStorage("/api/storages/s3", project_id, S3Fields("tasks")));

  // The object gone.json disappears between the listing and its read.
  AddFault({{"method", "GET"}, {"contains", "gone.json"}, {"status", 404}, {"code", "NoSuchKey"}, {"times", -1}});
  bj::value partial = Sync(path);
  EXPECT_EQ(partial.at("status"), "completed_with_errors") << bj::serialize(partial);
  EXPECT_EQ(partial.at("last_sync_count"), 1);
  const std::string traceback(partial.at("traceback").as_string());
  EXPECT_NE(traceback.find("broken.json"), std::string::npos) << traceback;
  EXPECT_NE(traceback.find("use_blob_urls"), std::string::npos) << traceback;
  EXPECT_NE(traceback.find("wrong-key.json"), std::string::npos) << traceback;
  EXPECT_NE(traceback.find("gone.json: the object was deleted"), std::string::npos) << traceback;
  EXPECT_EQ(partial.at("meta").at("objects_failed"), 3);
  EXPECT_EQ(TaskList(project_id).size(), 1u) << "no half-imported object";

  // The peer fails the listing with 500: the sync fails, nothing changes.
  ASSERT_EQ(peer_->Send("DELETE", "/__peer/faults").status, 200);
  AddFault({{"method", "GET"}, {"contains", "list-type"}, {"status", 500}, {"code", "InternalError"}});
  bj::value failed = Sync(path);
  EXPECT_EQ(failed.at("status"), "failed");
  EXPECT_NE(std::string(failed.at("traceback").as_string()).find("500 InternalError"), std::string::npos)
      << bj::serialize(failed);
  auto job = Get("/api/jobs/" + std::to_string(failed.at("last_sync_job").as_int64())).Json();
  EXPECT_EQ(job.at("status"), "failed");
  EXPECT_NE(std::string(job.at("error").as_string()).find("500"), std::string::npos);

  // The failed objects are retried by the next sync; the good one is not.
  PutObject("tasks", "broken.json", R"({"text": "fixed now"})");
  bj::value retried = Sync(path);
  EXPECT_EQ(retried.at("status"), "completed_with_errors") << bj::serialize(retried);
  EXPECT_EQ(retried.at("last_sync_count"), 2) << "broken.json and gone.json now import";
  EXPECT_EQ(TaskList(project_id).size(), 3u);

  // Wrong credentials.
  ASSERT_EQ(Patch(path, bj::serialize(bj::object{{"aws_secret_access_key", "wrong-secret"}})).status, 200);
  bj::value denied = Sync(path);
  EXPECT_EQ(denied.at("status"), "failed");
  EXPECT_NE(std::string(denied.at("traceback").as_string()).find("403 SignatureDoesNotMatch"), std::string::npos)
      << bj::serialize(denied);

  // The peer is down.
  ASSERT_EQ(Patch(path, bj::serialize(bj::object{{"aws_secret_access_key", kS3Secret}})).status, 200);
  s3_->Stop();
  bj::value down = Sync(path);
  EXPECT_EQ(down.at("status"), "failed");
  EXPECT_NE(std::string(down.at("traceback").as_string()).find("127.0.0.1"), std::string::npos)
      << bj::serialize(down);
  EXPECT_EQ(TaskList(project_id).size(), 3u);
}

TEST_P(StorageApiTest, CancelledSyncDoesNotBlockTheNext) {
  // Without job workers a sync stays queued until its job is cancelled.
  server_.reset();
  StartServer({{"TALLY_SECRET_KEY", kSecretKey}, {"TALLY_JOB_WORKERS", "0"}});
  const int64_t project_id = CreateProject(kSentimentConfig);
  const std::string path = PathOf("/api/storages/s3", CreateStorage("/api/storages/s3", project_id, S3Fields("tasks")));
  auto queued = Post(path + "/sync", "{}");
  ASSERT_EQ(queued.status, 200) << queued.body;
  EXPECT_EQ(queued.Json().at("status"), "queued");
  const int64_t job_id = queued.Json().at("last_sync_job").as_int64();
  EXPECT_EQ(Post(path + "/sync", "{}").status, 409) << "a second sync waits for the first";

  ASSERT_EQ(Post("/api/jobs/" + std::to_string(job_id) + "/cancel", "{}").status, 200);
  auto again = Post(path + "/sync", "{}");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Json().at("status"), "queued");
  EXPECT_NE(again.Json().at("last_sync_job").as_int64(), job_id);
}

TEST_P(StorageApiTest, MediaIsPresignedOrProxied) {
  const int64_t project_id = CreateProject(kImageConfig);
  const std::string image = std::string("\x89PNG\r\n\x1a\n", 8) + "fake image bytes";
  PutObject("media", "photos/cat%201.png", image);
  bj::object fields = S3Fields("media");
  fields["prefix"] = "photos/";
  fields["use_blob_urls"] = true;
  fields["presign_ttl"] = 5;
  const std::string path = PathOf("/api/storages/s3", CreateStorage("/api/storages/s3", project_id, fields));
  bj::value synced = Sync(path);
  ASSERT_EQ(synced.at("status"), "completed") << bj::serialize(synced);
  bj::array tasks = TaskList(project_id);
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks.at(0).at("data").at("image"), "s3://media/photos/cat 1.png") << "the stored data keeps the URI";
  const int64_t task_id = tasks.at(0).at("id").as_int64();

  // Presigned: the URL points at the peer, which checks its signature.
  auto task = Get("/api/tasks/" + std::to_string(task_id));
  ASSERT_EQ(task.status, 200) << task.body;
  const std::string presigned(task.Json().at("data").at("image").as_string());
  ASSERT_TRUE(presigned.starts_with(s3_->base_url() + "/media/photos/cat%201.png?")) << presigned;
  EXPECT_NE(presigned.find("X-Amz-Expires=300"), std::string::npos) << "presign_ttl is in minutes";
  const std::string relative = presigned.substr(s3_->base_url().size());
  auto fetched = peer_->Get(relative);
  EXPECT_EQ(fetched.status, 200) << fetched.body;
  EXPECT_EQ(fetched.body, image);
  std::string tampered = relative;
  tampered[tampered.size() - 1] = tampered.back() == '0' ? '1' : '0';
  EXPECT_EQ(peer_->Get(tampered).status, 403) << "the peer rejects a bad signature";

  // The data manager resolves too when asked.
  auto page = Get("/api/tasks?project=" + std::to_string(project_id) + "&resolve_uri=true");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(std::string(page.Json().at("tasks").at(0).at("data").at("image").as_string()).starts_with("http"));

  // Proxied: Tally reads the object with the storage's credentials after
  // checking the reader may see the task.
  ASSERT_EQ(Patch(path, R"({"presign": false})").status, 200);
  const std::string proxied(Get("/api/tasks/" + std::to_string(task_id)).Json().at("data").at("image").as_string());
  ASSERT_TRUE(proxied.starts_with("/tasks/" + std::to_string(task_id) + "/resolve/?fileuri=")) << proxied;
  auto streamed = Get(proxied);
  EXPECT_EQ(streamed.status, 200) << streamed.body;
  EXPECT_EQ(streamed.body, image);
  // Objects are users' files: a stored HTML page must not run as Tally.
  EXPECT_EQ(streamed.Header("content-security-policy"), "sandbox");
  EXPECT_EQ(streamed.Header("x-content-type-options"), "nosniff");
  EXPECT_EQ(streamed.Header("accept-ranges"), "bytes");
  // A Range goes on to the store, and its part comes back as a 206.
  auto part = GetRange(proxied, "bytes=2-5");
  EXPECT_EQ(part.status, 206) << part.body;
  EXPECT_EQ(part.body, image.substr(2, 4));
  EXPECT_EQ(part.Header("content-range"), "bytes 2-5/24");
  EXPECT_EQ(part.Header("content-length"), "4");
  EXPECT_EQ(part.Header("accept-ranges"), "bytes");
  EXPECT_EQ(part.Header("content-security-policy"), "sandbox");
  auto tail = GetRange(proxied, "bytes=-4");
  EXPECT_EQ(tail.status, 206) << tail.body;
  EXPECT_EQ(tail.body, image.substr(20));
  EXPECT_EQ(tail.Header("content-range"), "bytes 20-23/24");
  EXPECT_EQ(GetRange(proxied, "bytes=24-").status, 416);
  auto empty_suffix = GetRange(proxied, "bytes=-0");
  EXPECT_EQ(empty_suffix.status, 416);
  EXPECT_EQ(empty_suffix.Header("content-range"), "bytes */24");
  EXPECT_EQ(client_->Get(proxied, {Auth(outsider_token_), "Range: bytes=0-3"}).status, 404)
      << "a range does not bypass the task check";
  EXPECT_EQ(Get(proxied, annotator_token_).status, 200);
  EXPECT_EQ(Get(proxied, outsider_token_).status, 404) << "a user without access to the task";
  EXPECT_EQ(client_->Get(proxied).status, 401) << "no credentials";
  // A fileuri the task does not name is refused even inside the same bucket.
  PutObject("media", "photos/private.png", "private");
  const std::string other = "/tasks/" + std::to_string(task_id) + "/resolve/?fileuri=czM6Ly9tZWRpYS9waG90b3MvcHJpdmF0ZS5wbmc";
  EXPECT_EQ(Get(other).status, 404);
}

TEST_P(StorageApiTest, ProxyCapsOpenRanges) {
  // Larger than the most the proxy requests from a store at once (8 MiB).
  const std::string video = NumberedBytes(9 * 1024 * 1024 + 123);
  PutObject("media", "clips/long.mp4", video);
  const int64_t project_id = CreateProject(kImageConfig);
  bj::object fields = S3Fields("media");
  fields["presign"] = false;
  CreateStorage("/api/storages/s3", project_id, fields);
  ASSERT_EQ(Import(project_id, R"([{"image": "s3://media/clips/long.mp4"}])").status, 201);
  const int64_t task_id = TaskList(project_id).at(0).at("id").as_int64();
  const std::string proxied(Get("/api/tasks/" + std::to_string(task_id)).Json().at("data").at("image").as_string());
  ASSERT_TRUE(proxied.starts_with("/tasks/")) << proxied;
  const std::string total = std::to_string(video.size());

  // "bytes=0-" is what a media element sends first: it gets the first
  // 8 MiB and a Content-Range with the full size, so it can seek.
  auto first = GetRange(proxied, "bytes=0-");
  EXPECT_EQ(first.status, 206);
  EXPECT_EQ(first.Header("content-range"), "bytes 0-8388607/" + total);
  EXPECT_EQ(first.body.size(), 8388608u);
  EXPECT_TRUE(first.body == video.substr(0, 8388608)) << "the first part differs from the object";

  auto rest = GetRange(proxied, "bytes=8388608-");
  EXPECT_EQ(rest.status, 206);
  EXPECT_EQ(rest.Header("content-range"), "bytes 8388608-" + std::to_string(video.size() - 1) + "/" + total);
  EXPECT_TRUE(rest.body == video.substr(8388608)) << "the rest differs from the object";

  auto middle = GetRange(proxied, "bytes=5000000-5000099");
  EXPECT_EQ(middle.status, 206);
  EXPECT_TRUE(middle.body == video.substr(5000000, 100)) << "the middle part differs from the object";

  // A header the proxy does not serve (several ranges) gets the whole object.
  auto whole = GetRange(proxied, "bytes=0-1,5-6");
  EXPECT_EQ(whole.status, 200);
  EXPECT_EQ(whole.body.size(), video.size());
}

TEST_P(StorageApiTest, LocalFilesServeByteRanges) {
  fs::create_directories(local_root_ / "videos");
  // Larger than what the server sends in one piece (1 MiB), so whole and
  // open-ended reads are streamed from disk.
  const std::string video = NumberedBytes(3 * 1024 * 1024 + 17);
  std::ofstream(local_root_ / "videos" / "clip.mp4", std::ios::binary) << video;
  const std::string small = "small file bytes";
  std::ofstream(local_root_ / "videos" / "note.txt", std::ios::binary) << small;
  const int64_t project_id = CreateProject(kImageConfig);
  CreateStorage("/api/storages/localfiles", project_id, {{"path", (local_root_ / "videos").string()}});
  const std::string url = "/data/local-files/?d=videos/clip.mp4";
  const std::string size = std::to_string(video.size());

  auto whole = Get(url);
  EXPECT_EQ(whole.status, 200);
  EXPECT_EQ(whole.body.size(), video.size());
  EXPECT_TRUE(whole.body == video) << "the streamed file differs from the one on disk";
  EXPECT_EQ(whole.Header("content-type"), "video/mp4");
  EXPECT_EQ(whole.Header("accept-ranges"), "bytes");
  EXPECT_EQ(whole.Header("content-security-policy"), "sandbox");
  EXPECT_EQ(whole.Header("x-content-type-options"), "nosniff");

  auto note = Get("/data/local-files/?d=videos/note.txt");
  EXPECT_EQ(note.status, 200);
  EXPECT_EQ(note.body, small);
  EXPECT_EQ(note.Header("content-length"), std::to_string(small.size()));
  EXPECT_EQ(note.Header("accept-ranges"), "bytes");

  struct Case {
    std::string range;
    size_t offset;
    size_t length;
  };
  const std::vector<Case> cases = {
      {"bytes=0-99", 0, 100},
      {"bytes=-100", video.size() - 100, 100},
      {"bytes=3145700-", 3145700, video.size() - 3145700},
      {"bytes=1000-", 1000, video.size() - 1000},
      {"bytes=2000000-99999999", 2000000, video.size() - 2000000},
  };
  for (const Case& item : cases) {
    auto part = GetRange(url, item.range);
    EXPECT_EQ(part.status, 206) << item.range;
    EXPECT_EQ(part.Header("content-range"), "bytes " + std::to_string(item.offset) + "-" +
                                                 std::to_string(item.offset + item.length - 1) + "/" + size)
        << item.range;
    EXPECT_EQ(part.body.size(), item.length) << item.range;
    EXPECT_TRUE(part.body == video.substr(item.offset, item.length)) << item.range << ": the bytes differ";
    EXPECT_EQ(part.Header("accept-ranges"), "bytes") << item.range;
    EXPECT_EQ(part.Header("content-security-policy"), "sandbox") << item.range;
  }
  EXPECT_EQ(GetRange(url, "bytes=0-99").Header("content-length"), "100");

  auto past_end = GetRange(url, "bytes=" + size + "-");
  EXPECT_EQ(past_end.status, 416);
  EXPECT_EQ(past_end.Header("content-range"), "bytes */" + size);
  EXPECT_EQ(past_end.Header("accept-ranges"), "bytes");
  EXPECT_EQ(GetRange(url, "bytes=-0").status, 416);

  // The path and permission checks come before any range.
  EXPECT_EQ(client_->Get(url, {Auth(outsider_token_), "Range: bytes=0-9"}).status, 404);
  EXPECT_EQ(GetRange("/data/local-files/?d=videos/missing.mp4", "bytes=0-9").status, 404);
  EXPECT_EQ(GetRange("/data/local-files/?d=../videos/clip.mp4", "bytes=0-9").status, 403);
}

TEST_P(StorageApiTest, ExportStorageReceivesEveryAnnotation) {
  const int64_t project_id = CreateProject(kSentimentConfig);
  ASSERT_EQ(Import(project_id, R"([{"text": "one"}, {"text": "two"}])").status, 201);
  bj::array tasks = TaskList(project_id);
  const int64_t task_id = tasks.at(0).at("id").as_int64();
  const std::string result =
      R"([{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["Positive"]}}])";
  auto before = Post("/api/tasks/" + std::to_string(task_id) + "/annotations", R"({"result": )" + result + "}");
  ASSERT_EQ(before.status, 201) << before.body;
  const int64_t early_id = before.Json().at("id").as_int64();

  bj::object fields = S3Fields("exports");
  fields["prefix"] = "annotations";
  fields["can_delete_objects"] = true;
  const std::string path =
      PathOf("/api/storages/export/s3", CreateStorage("/api/storages/export/s3", project_id, fields));
  // Creation syncs at once: the earlier annotation is exported.
  bj::value synced = WaitForStorage(path);
  EXPECT_EQ(synced.at("status"), "completed") << bj::serialize(synced);
  EXPECT_EQ(synced.at("last_sync_count"), 1);
  auto early = PeerObject("exports", "annotations/" + std::to_string(early_id));
  ASSERT_EQ(early.status, 200) << early.body;
  EXPECT_EQ(early.Json().at("id"), early_id);
  EXPECT_EQ(early.Json().at("task").at("data").at("text"), "one");

  // Each new annotation is written as it is submitted, by a job.
  auto created = Post("/api/tasks/" + std::to_string(tasks.at(1).at("id").as_int64()) + "/annotations",
                      R"({"result": )" + result + "}");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string key = "annotations/" + std::to_string(created.Json().at("id").as_int64());
  testing::HttpResponse object;
  for (int i = 0; i < 100 && object.status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    object = PeerObject("exports", key);
  }
  ASSERT_EQ(object.status, 200) << "annotation not exported: " << object.body;
  EXPECT_EQ(object.Json().at("result").at(0).at("value").at("choices").at(0), "Positive");

  // An update rewrites the object; a deletion removes it.
  const std::string negative = R"([{"from_name": "sentiment", "to_name": "text", "type": "choices",
                                    "value": {"choices": ["Negative"]}}])";
  ASSERT_EQ(Patch("/api/annotations/" + std::to_string(created.Json().at("id").as_int64()),
                  R"({"result": )" + negative + "}")
                .status,
            200);
  for (int i = 0; i < 100; ++i) {
    object = PeerObject("exports", key);
    if (object.body.find("Negative") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(object.body.find("Negative"), std::string::npos) << object.body;
  ASSERT_EQ(Delete("/api/annotations/" + std::to_string(created.Json().at("id").as_int64())).status, 204);
  for (int i = 0; i < 100 && object.status == 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    object = PeerObject("exports", key);
  }
  EXPECT_EQ(object.status, 404) << "the deleted annotation's object stays";

  // Deleting annotations from the data manager removes their objects too.
  const std::string early_key = "annotations/" + std::to_string(early_id);
  ASSERT_EQ(PeerObject("exports", early_key).status, 200);
  auto bulk = Post("/api/dm/actions?project=" + std::to_string(project_id) + "&id=delete_tasks_annotations",
                   R"({"selectedItems":{"all":true}})");
  ASSERT_EQ(bulk.status, 200) << bulk.body;
  testing::HttpResponse early_object = PeerObject("exports", early_key);
  for (int i = 0; i < 100 && early_object.status == 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    early_object = PeerObject("exports", early_key);
  }
  EXPECT_EQ(early_object.status, 404) << "the bulk-deleted annotation's object stays";
}

TEST_P(StorageApiTest, LocalFilesStayUnderTheRoot) {
  const int64_t project_id = CreateProject(kImageConfig);
  std::ofstream(local_root_ / "images" / "dog.png") << "dog bytes";
  const fs::path outside = fs::temp_directory_path() / ("tally-outside-" + std::to_string(::getpid()));
  fs::create_directories(outside);
  std::ofstream(outside / "secret.txt") << "outside";
  fs::create_symlink(outside, local_root_ / "escape");

  for (const std::string& bad : std::vector<std::string>{outside.string(), (local_root_ / "escape").string(),
                                                         (local_root_ / "images" / ".." / "..").string(), "images"}) {
    auto rejected = Post("/api/storages/localfiles",
                        bj::serialize(bj::object{{"project", project_id}, {"path", bad}, {"use_blob_urls", true}}));
    EXPECT_EQ(rejected.status, 400) << bad << " → " << rejected.body;
    EXPECT_NE(rejected.body.find("\"path\""), std::string::npos) << rejected.body;
  }

  bj::object storage = CreateStorage("/api/storages/localfiles", project_id,
                                     {{"path", (local_root_ / "images").string()}, {"use_blob_urls", true}});
  bj::value synced = Sync(PathOf("/api/storages/localfiles", storage));
  ASSERT_EQ(synced.at("status"), "completed") << bj::serialize(synced);
  bj::array tasks = TaskList(project_id);
  ASSERT_EQ(tasks.size(), 1u);
  const std::string url(tasks.at(0).at("data").at("image").as_string());
  EXPECT_EQ(url, "/data/local-files/?d=images/dog.png");
  auto served = Get(url);
  EXPECT_EQ(served.status, 200) << served.body;
  EXPECT_EQ(served.body, "dog bytes");
  EXPECT_EQ(served.Header("content-security-policy"), "sandbox");
  EXPECT_EQ(served.Header("x-content-type-options"), "nosniff");
  EXPECT_EQ(Get(url, outsider_token_).status, 404) << "the file lies in no storage the outsider can read";
  EXPECT_EQ(Get("/data/local-files/?d=../" + outside.filename().string() + "/secret.txt").status, 403);
  EXPECT_EQ(Get("/data/local-files/?d=escape/secret.txt").status, 403);
  EXPECT_EQ(Get("/data/local-files/?d=images/missing.png").status, 404);
  fs::remove_all(outside);
}

TEST_P(StorageApiTest, GcsWorksThroughXmlApiWithHmacKeys) {
  const int64_t project_id = CreateProject(kImageConfig);
  PutObject("media", "gcs/bird.png", "bird bytes");
  bj::object fields{{"bucket", "media"},
                    {"prefix", "gcs/"},
                    {"use_blob_urls", true},
                    {"gcs_endpoint", s3_->base_url()},
                    {"gcs_hmac_access_key_id", "S3RVER"},
                    {"gcs_hmac_secret", kS3Secret}};
  const std::string path = PathOf("/api/storages/gcs", CreateStorage("/api/storages/gcs", project_id, fields));
  bj::value synced = Sync(path);
  ASSERT_EQ(synced.at("status"), "completed") << bj::serialize(synced);
  bj::array tasks = TaskList(project_id);
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks.at(0).at("data").at("image"), "gs://media/gcs/bird.png");
  const std::string url(
      Get("/api/tasks/" + std::to_string(tasks.at(0).at("id").as_int64())).Json().at("data").at("image").as_string());
  ASSERT_TRUE(url.starts_with(s3_->base_url())) << url;
  EXPECT_NE(url.find("%2Fauto%2Fs3%2F"), std::string::npos) << "GCS signs with region auto: " << url;
  auto fetched = peer_->Get(url.substr(s3_->base_url().size()));
  EXPECT_EQ(fetched.status, 200) << fetched.body;
  EXPECT_EQ(fetched.body, "bird bytes");

  // A service-account JSON alone is rejected with what to use instead.
  auto service_account = Post("/api/storages/gcs", bj::serialize(bj::object{
                                                      {"project", project_id},
                                                      {"bucket", "media"},
                                                      {"google_application_credentials", R"({"type": "service_account"})"}}));
  EXPECT_EQ(service_account.status, 400) << service_account.body;
  EXPECT_NE(service_account.body.find("gcs_hmac_access_key_id"), std::string::npos) << service_account.body;
}

TEST_P(StorageApiTest, AzureBlobSyncPresignAndExport) {
  testing::PeerProcess azurite("azure_peer.py", {"--container", "media", "--container", "exports"});
  ASSERT_TRUE(azurite.started()) << azurite.failure_reason();
  testing::HttpClient azure(azurite.base_url());
  constexpr const char* kAccountKey =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
  ASSERT_EQ(azure.Send("PUT", "/__peer/objects/media/photos/dog%20one.png", "dog bytes").status, 200);
  ASSERT_EQ(azure.Send("PUT", "/__peer/objects/media/photos/notes.txt", "notes").status, 200);
  const int64_t project_id = CreateProject(kImageConfig);
  bj::object fields{{"container", "media"},         {"prefix", "photos/"},
                    {"regex_filter", ".*\\.png"},   {"use_blob_urls", true},
                    {"account_name", "devstoreaccount1"}, {"account_key", kAccountKey},
                    {"azure_endpoint", azurite.base_url()}};

  bj::object wrong = fields;
  wrong["account_key"] = "d3Jvbmcga2V5";
  wrong["project"] = project_id;
  auto rejected = Post("/api/storages/azure/validate", bj::serialize(wrong));
  EXPECT_EQ(rejected.status, 400) << rejected.body;
  EXPECT_NE(rejected.body.find("403"), std::string::npos) << rejected.body;

  bj::object storage = CreateStorage("/api/storages/azure", project_id, fields);
  EXPECT_EQ(storage.at("account_key"), nullptr);
  EXPECT_EQ(storage.at("account_key_is_set"), true);
  const std::string path = PathOf("/api/storages/azure", storage);
  bj::value synced = Sync(path);
  ASSERT_EQ(synced.at("status"), "completed") << bj::serialize(synced);
  bj::array tasks = TaskList(project_id);
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks.at(0).at("data").at("image"), "azure-blob://media/photos/dog one.png");
  const int64_t task_id = tasks.at(0).at("id").as_int64();

  // A SAS URL that Azurite checks.
  const std::string url(Get("/api/tasks/" + std::to_string(task_id)).Json().at("data").at("image").as_string());
  ASSERT_TRUE(url.starts_with(azurite.base_url() + "/devstoreaccount1/media/photos/dog%20one.png?")) << url;
  auto fetched = azure.Get(url.substr(azurite.base_url().size()));
  EXPECT_EQ(fetched.status, 200) << fetched.body;
  EXPECT_EQ(fetched.body, "dog bytes");
  std::string tampered = url.substr(azurite.base_url().size());
  tampered.replace(tampered.find("sig=") + 4, 4, "AAAA");
  EXPECT_EQ(azure.Get(tampered).status, 403) << "Azurite rejects a bad SAS signature";

  // The proxy reads with SharedKey.
  ASSERT_EQ(Patch(path, R"({"presign": false})").status, 200);
  const std::string proxied(Get("/api/tasks/" + std::to_string(task_id)).Json().at("data").at("image").as_string());
  auto streamed = Get(proxied);
  EXPECT_EQ(streamed.status, 200) << streamed.body;
  EXPECT_EQ(streamed.body, "dog bytes");
  auto part = GetRange(proxied, "bytes=4-");
  EXPECT_EQ(part.status, 206) << part.body;
  EXPECT_EQ(part.body, "bytes");
  EXPECT_EQ(part.Header("content-range"), "bytes 4-8/9");
  auto tail = GetRange(proxied, "bytes=-3");
  EXPECT_EQ(tail.status, 206) << tail.body;
  EXPECT_EQ(tail.body, "tes");
  EXPECT_EQ(tail.Header("content-range"), "bytes 6-8/9");

  // A target container receives annotations.
  bj::object target{{"container", "exports"},
                    {"account_name", "devstoreaccount1"},
                    {"account_key", kAccountKey},
                    {"azure_endpoint", azurite.base_url()}};
  const std::string target_path =
      PathOf("/api/storages/export/azure", CreateStorage("/api/storages/export/azure", project_id, target));
  EXPECT_EQ(WaitForStorage(target_path).at("status"), "completed");
  auto created = Post("/api/tasks/" + std::to_string(task_id) + "/annotations",
                      R"({"result": [{"from_name": "label", "to_name": "image", "type": "choices",
                                      "value": {"choices": ["Dog"]}}]})");
  ASSERT_EQ(created.status, 201) << created.body;
  testing::HttpResponse object;
  for (int i = 0; i < 100 && object.status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    object = azure.Get("/__peer/objects/exports/" + std::to_string(created.Json().at("id").as_int64()));
  }
  ASSERT_EQ(object.status, 200) << object.body;
  EXPECT_NE(object.body.find("\"Dog\""), std::string::npos) << object.body;
}

INSTANTIATE_TEST_SUITE_P(Databases, StorageApiTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace tally
