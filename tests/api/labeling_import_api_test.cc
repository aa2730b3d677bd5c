// Task import over real HTTP, on SQLite and on PostgreSQL: every body and
// file format Label Studio accepts, with Label Studio's own template
// configs, and the all-or-nothing rejection of bad items.
#include "api/labeling_fixture.h"

#include <fmt/format.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <thread>

#include "core/crypto.h"
#include "support/peer_process.h"

namespace tally {
namespace {

using LabelingImport = LabelingApiTest;

TEST_P(LabelingImport, JsonBodiesInEveryForm) {
  TALLY_REQUIRE_TEMPLATE(config, "natural-language-processing__text-classification");
  const int64_t id = CreateProject(config);

  auto single = Import(id, R"({"text":"just one"})");
  ASSERT_EQ(single.status, 201) << single.body;
  EXPECT_EQ(single.Json().at("task_count"), 1);

  const std::string list = R"([
    {"text": "flat form"},
    {"data": {"text": "full form", "extra": 7}, "meta": {"source": "crawl"},
     "annotations": [{"result": [{"id": "a1", "from_name": "sentiment", "to_name": "text", "type": "choices",
                                  "value": {"choices": ["Positive"]}}], "lead_time": 2.5, "id": 91,
                      "completed_by": {"email": "annotator@example.com"}}],
     "predictions": [{"model_version": "v2", "score": 0.4, "result": "Negative"}]},
    {"data": {}, "text": "empty data is a flat task"}
  ])";
  auto imported = Import(id, list, "?return_task_ids=true");
  ASSERT_EQ(imported.status, 201) << imported.body;
  const bj::value body = imported.Json();
  EXPECT_EQ(body.at("task_count"), 3);
  EXPECT_EQ(body.at("annotation_count"), 1);
  EXPECT_EQ(body.at("prediction_count"), 1);
  EXPECT_EQ(body.at("task_ids").as_array().size(), 3u);
  EXPECT_TRUE(body.at("duration").is_number());

  const bj::array tasks = TaskList(id);
  ASSERT_EQ(tasks.size(), 4u);
  const bj::value& full = tasks[2];
  EXPECT_EQ(full.at("data").at("extra"), 7);
  EXPECT_EQ(full.at("meta").at("source"), "crawl");
  EXPECT_EQ(full.at("is_labeled"), true);
  EXPECT_EQ(full.at("annotations").at(0).at("import_id"), 91);
  EXPECT_EQ(full.at("annotations").at(0).at("last_action"), "imported");
  EXPECT_EQ(full.at("annotations").at(0).at("completed_by"), 2) << "resolved from the annotator's email";
  EXPECT_EQ(full.at("predictions").at(0).at("result").at(0).at("value").at("choices").at(0), "Negative");
  EXPECT_EQ(tasks[3].at("data").at("data"), bj::object()) << "{\"data\": {}} is a flat task";
  EXPECT_EQ(tasks[3].at("inner_id"), 4);

  const bj::object project = Project(id);
  EXPECT_EQ(project.at("task_number"), 4);
  EXPECT_EQ(project.at("total_annotations_number"), 1);
  EXPECT_EQ(project.at("total_predictions_number"), 1);
  EXPECT_EQ(project.at("finished_task_number"), 1);

  auto deprecated_path = Post("/api/projects/" + std::to_string(id) + "/tasks/bulk/", R"([{"text":"old route"}])");
  EXPECT_EQ(deprecated_path.status, 201) << deprecated_path.body;
}

// Plain tasks go in by runs of many rows per statement, annotated ones one
// by one. Ids, inner ids and data must still follow the file's order.
TEST_P(LabelingImport, LongImportsKeepArrivalOrder) {
  TALLY_REQUIRE_TEMPLATE(config, "natural-language-processing__text-classification");
  const int64_t id = CreateProject(config);

  bj::array items;
  for (int i = 0; i < 200; ++i) {
    bj::object data{{"text", fmt::format("t{}", i)}};
    if (i == 70 || i == 150) {
      bj::array result{bj::object{{"from_name", "sentiment"}, {"to_name", "text"}, {"type", "choices"},
                                  {"value", bj::object{{"choices", bj::array{"Positive"}}}}}};
      items.push_back(bj::object{{"data", std::move(data)}, {"annotations", bj::array{bj::object{{"result", result}}}}});
    } else if (i == 71) {
      items.push_back(bj::object{{"data", std::move(data)}, {"predictions", bj::array{bj::object{{"result", "Negative"}}}}});
    } else {
      items.push_back(std::move(data));
    }
  }
  auto imported = Import(id, bj::serialize(items), "?return_task_ids=true");
  ASSERT_EQ(imported.status, 201) << imported.body;
  const bj::array ids = imported.Json().at("task_ids").as_array();
  ASSERT_EQ(ids.size(), 200u);
  for (size_t i = 1; i < ids.size(); ++i) EXPECT_LT(ids[i - 1].as_int64(), ids[i].as_int64()) << "task_ids[" << i << "]";

  const bj::array tasks = TaskList(id);
  ASSERT_EQ(tasks.size(), 200u);
  for (size_t i = 0; i < tasks.size(); ++i) {
    EXPECT_EQ(tasks[i].at("id"), ids[i]);
    EXPECT_EQ(tasks[i].at("inner_id"), static_cast<int64_t>(i + 1));
    EXPECT_EQ(tasks[i].at("data").at("text").as_string(), fmt::format("t{}", i));
    EXPECT_EQ(tasks[i].at("is_labeled"), i == 70 || i == 150) << "task " << i;
  }
  EXPECT_EQ(tasks[71].at("total_predictions"), 1);
  const bj::object project = Project(id);
  EXPECT_EQ(project.at("task_number"), 200);
  EXPECT_EQ(project.at("total_annotations_number"), 2);
  EXPECT_EQ(project.at("total_predictions_number"), 1);
  EXPECT_EQ(project.at("num_tasks_with_annotations"), 2);
}

TEST_P(LabelingImport, BadItemsAreReportedAndNothingIsWritten) {
  TALLY_REQUIRE_TEMPLATE(config, "computer-vision__image-classification");
  const int64_t id = CreateProject(config);

  const std::string list = R"([
    {"image": "https://example.com/1.jpg"},
    {"picture": "https://example.com/2.jpg"},
    {"image": 42},
    {"data": {"image": "https://example.com/4.jpg"},
     "annotations": [{"result": [{"id": "c", "from_name": "choice", "to_name": "image", "type": "choices",
                                  "value": {"choices": ["Cats"]}}]}]},
    {"data": {"image": "https://example.com/5.jpg"}, "annotations": [{"lead_time": 3}]},
    {"data": {"image": "https://example.com/6.jpg"}, "predictions": [{"result": 0.5}]},
    {"data": {"image": "https://example.com/7.jpg"},
     "annotations": [{"completed_by": {"email": "nobody@nowhere.io"}, "result": []}]},
    {"data": ["not", "an", "object"]},
    "not a task"
  ])";
  auto rejected = Import(id, list);
  ASSERT_EQ(rejected.status, 400) << rejected.body;
  const bj::object errors = rejected.Json().at("validation_errors").as_object();
  for (const char* field : {"tasks.1.data.image", "tasks.2.data.image", "tasks.3.annotations.0.result.0.value.choices.0",
                            "tasks.4.annotations.0", "tasks.5.predictions.0.result",
                            "tasks.6.annotations.0.completed_by", "tasks.7.data", "tasks.8"}) {
    EXPECT_TRUE(errors.contains(field)) << field << " in " << rejected.body;
  }
  const std::string message(errors.at("tasks.1.data.image").at(0).as_string());
  EXPECT_EQ(message, "Error at item 1: \"image\" key is expected in task data");
  EXPECT_FALSE(errors.contains("tasks.0.data.image"));

  EXPECT_EQ(Counter(id, "task_number"), 0) << "all or nothing";
  EXPECT_TRUE(TaskList(id).empty());

  EXPECT_EQ(Import(id, "[{\"image\": \"a\"}, ").status, 400) << "malformed JSON";
  EXPECT_EQ(Import(id, "[{\"image\": \"\xff\xfe\"}]").status, 400) << "invalid UTF-8";
  EXPECT_EQ(Import(id, "42").status, 400);
  EXPECT_EQ(Import(999999, R"([{"image":"a"}])").status, 404);
  EXPECT_EQ(Counter(id, "task_number"), 0);
}

TEST_P(LabelingImport, PreannotatedFieldsBecomePredictions) {
  TALLY_REQUIRE_TEMPLATE(config, "natural-language-processing__text-classification");
  const int64_t id = CreateProject(config);

  auto imported = Import(id, R"([{"text":"great","sentiment":"Positive"},{"text":"no label"}])",
                         "?preannotated_from_fields=sentiment");
  ASSERT_EQ(imported.status, 201) << imported.body;
  EXPECT_EQ(imported.Json().at("prediction_count"), 1);
  const bj::array tasks = TaskList(id);
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].at("data").at("sentiment"), "Positive") << "the field stays in the data";
  const bj::value& prediction = tasks[0].at("predictions").at(0);
  EXPECT_EQ(prediction.at("model_version"), "preannotated");
  EXPECT_EQ(prediction.at("score").to_number<double>(), 1.0);
  EXPECT_EQ(prediction.at("result").at(0).at("to_name"), "text");
  EXPECT_EQ(prediction.at("result").at(0).at("value").at("choices").at(0), "Positive");
  EXPECT_TRUE(tasks[1].at("predictions").as_array().empty()) << "a task without the field gets none";

  auto rejected = Import(id, R"([{"text":"odd","sentiment":"Maybe"}])", "?preannotated_from_fields=sentiment");
  EXPECT_EQ(rejected.status, 400) << rejected.body;
  EXPECT_EQ(Counter(id, "task_number"), 2);
}

TEST_P(LabelingImport, ManyBadItemsStopAtOneHundredMessages) {
  const int64_t id = CreateProject(kSentimentConfig);
  bj::array items;
  for (int i = 0; i < 150; ++i) items.push_back(bj::object{{"body", "x"}});
  auto rejected = Import(id, bj::serialize(items));
  ASSERT_EQ(rejected.status, 400);
  const bj::value body = rejected.Json();
  size_t messages = 0;
  for (const auto& entry : body.at("validation_errors").as_object()) messages += entry.value().as_array().size();
  EXPECT_EQ(messages, 100u);
  EXPECT_EQ(body.at("validation_errors").at("tasks").at(0), "...");
}

TEST_P(LabelingImport, NamedEntityAnnotationsFromTemplate) {
  TALLY_REQUIRE_TEMPLATE(config, "natural-language-processing__named-entity-recognition");
  const int64_t id = CreateProject(config);
  const std::string good = R"([{"data": {"ner": "Ada Lovelace lived in London"},
    "annotations": [{"result": [
      {"id": "e1", "from_name": "label", "to_name": "text", "type": "labels",
       "value": {"start": 0, "end": 12, "text": "Ada Lovelace", "labels": ["PER"]}},
      {"id": "e2", "from_name": "label", "to_name": "text", "type": "labels",
       "value": {"start": 22, "end": 28, "text": "London", "labels": ["LOC"]}}]}]}])";
  auto imported = Import(id, good);
  ASSERT_EQ(imported.status, 201) << imported.body;
  EXPECT_EQ(imported.Json().at("annotation_count"), 1);

  const std::string unknown_label = R"([{"data": {"ner": "x"}, "annotations": [{"result": [
      {"id": "e1", "from_name": "label", "to_name": "text", "type": "labels",
       "value": {"start": 0, "end": 1, "labels": ["ANIMAL"]}}]}]}])";
  auto rejected = Import(id, unknown_label);
  ASSERT_EQ(rejected.status, 400) << rejected.body;
  EXPECT_TRUE(rejected.Json().at("validation_errors").as_object().contains(
      "tasks.0.annotations.0.result.0.value.labels.0"))
      << rejected.body;
  EXPECT_EQ(Counter(id, "task_number"), 1);
}

TEST_P(LabelingImport, CsvTsvAndTxtFiles) {
  TALLY_REQUIRE_TEMPLATE(config, "natural-language-processing__text-classification");
  const int64_t id = CreateProject(config);

  const std::string csv = "\xEF\xBB\xBFtext,code\r\n"
                          "\"line one\r\nline two, with comma\",007\r\n"
                          "\"she said \"\"hi\"\"\",\r\n"
                          "\r\n"
                          "plain,1.50\r\n";
  auto from_csv = Upload(id, {{"reviews.csv", csv}}, "?return_task_ids=1");
  ASSERT_EQ(from_csv.status, 201) << from_csv.body;
  EXPECT_EQ(from_csv.Json().at("task_count"), 3);
  EXPECT_EQ(from_csv.Json().at("could_be_tasks_list"), true);
  EXPECT_EQ(from_csv.Json().at("found_formats").at(".csv"), 1);

  bj::array tasks = TaskList(id);
  ASSERT_EQ(tasks.size(), 3u);
  EXPECT_EQ(tasks[0].at("data").at("text"), "line one\r\nline two, with comma");
  EXPECT_EQ(tasks[0].at("data").at("code"), "007") << "cells stay strings as written";
  EXPECT_EQ(tasks[1].at("data").at("text"), "she said \"hi\"");
  EXPECT_EQ(tasks[1].at("data").at("code"), "");
  EXPECT_EQ(tasks[2].at("data").at("code"), "1.50");
  EXPECT_FALSE(tasks[0].at("file_upload").is_null());

  auto from_semicolons = Upload(id, {{"semi.csv", "text;score\nuno;1\n"}});
  ASSERT_EQ(from_semicolons.status, 201) << from_semicolons.body;
  auto from_tsv = Upload(id, {{"rows.tsv", "text\tscore\ntab\tseparated, really\n"}});
  ASSERT_EQ(from_tsv.status, 201) << from_tsv.body;
  auto from_txt = Upload(id, {{"lines.txt", "first line\r\nsecond line\n"}});
  ASSERT_EQ(from_txt.status, 201) << from_txt.body;
  EXPECT_EQ(from_txt.Json().at("task_count"), 2);

  tasks = TaskList(id);
  ASSERT_EQ(tasks.size(), 7u);
  EXPECT_EQ(tasks[3].at("data").at("score"), "1");
  EXPECT_EQ(tasks[4].at("data").at("score"), "separated, really");
  EXPECT_EQ(tasks[5].at("data").at("text"), "first line") << "TXT lines go to the config's first data key";
  EXPECT_EQ(tasks[6].at("data").at("text"), "second line");

  auto missing_column = Upload(id, {{"bad.csv", "body\nx\n"}});
  ASSERT_EQ(missing_column.status, 400) << missing_column.body;
  EXPECT_TRUE(missing_column.Json().at("validation_errors").as_object().contains("tasks.0.data.text"))
      << "items are numbered from 0 in each request";
  EXPECT_EQ(Upload(id, {{"open.csv", "text\n\"never closed\n"}}).status, 400);
  EXPECT_EQ(Upload(id, {{"bytes.csv", "text\n\xff\xfe\n"}}).status, 400) << "non-UTF-8 text file";
  EXPECT_EQ(Upload(id, {{"tool.exe", "MZ"}}).status, 400);
  EXPECT_EQ(Counter(id, "task_number"), 7);
}

TEST_P(LabelingImport, MediaFilesAreStoredAndServed) {
  TALLY_REQUIRE_TEMPLATE(config, "computer-vision__image-classification");
  const int64_t id = CreateProject(config);
  const std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR fake image bytes", 29);

  auto uploaded = Upload(id, {{"cat photo.png", png}, {"tasks.json", R"([{"image": "https://example.com/x.jpg"}])"}});
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
  EXPECT_EQ(uploaded.Json().at("task_count"), 2);
  EXPECT_EQ(uploaded.Json().at("file_upload_ids").as_array().size(), 2u);

  const bj::array tasks = TaskList(id);
  ASSERT_EQ(tasks.size(), 2u);
  const std::string url(tasks[0].at("data").at("image").as_string());
  const std::string prefix = "/data/upload/" + std::to_string(id) + "/";
  ASSERT_TRUE(url.starts_with(prefix)) << url;
  EXPECT_TRUE(url.ends_with("-cat_photo.png")) << url;

  auto served = Get(url);
  ASSERT_EQ(served.status, 200);
  EXPECT_EQ(served.body, png);
  EXPECT_EQ(served.Header("content-type"), "image/png");
  EXPECT_EQ(Get(url, outsider_token_).status, 404);
  EXPECT_EQ(Get(prefix + "missing.png").status, 404);

  // Byte ranges, which a video element needs to seek.
  EXPECT_EQ(served.Header("accept-ranges"), "bytes");
  auto ranged = [&](const std::string& range) {
    return client_->Send("GET", url, "", {Auth(kOwnerToken), "Range: " + range});
  };
  const std::vector<std::tuple<std::string, int, std::string, std::string>> cases = {
      {"bytes=2-5", 206, png.substr(2, 4), "bytes 2-5/29"},
      {"bytes=20-", 206, png.substr(20), "bytes 20-28/29"},
      {"bytes=-4", 206, png.substr(25), "bytes 25-28/29"},
      {"bytes=10-1000", 206, png.substr(10), "bytes 10-28/29"},
      {"bytes=29-", 416, "", "bytes */29"},
      {"bytes=5-2", 200, png, ""},
      {"bytes=0-1,4-5", 200, png, ""},
      {"items=0-4", 200, png, ""},
  };
  for (const auto& [range, status, body, content_range] : cases) {
    auto response = ranged(range);
    EXPECT_EQ(response.status, status) << range;
    EXPECT_EQ(response.body, body) << range;
    EXPECT_EQ(response.Header("content-range"), content_range) << range;
  }

  const int64_t two_keys = CreateProject(
      R"(<View><Image name="a" value="$left"/><Image name="b" value="$right"/><Choices name="c" toName="a,b"><Choice value="x"/></Choices></View>)",
      "Two keys");
  auto rejected = Upload(two_keys, {{"cat.png", png}});
  ASSERT_EQ(rejected.status, 400) << rejected.body;
  EXPECT_NE(rejected.body.find("more than one data key"), std::string::npos);
}

// Regression: an uploaded HTML page was served as a plain page of the app's
// origin, so opening it (or embedding it in a HyperText task) ran its
// scripts with the viewer's session.
TEST_P(LabelingImport, UploadsAreServedSandboxed) {
  const int64_t id = CreateProject(R"(<View><HyperText name="page" value="$html"/></View>)", "Uploaded pages");
  const std::string page = "<script>parent.pwned = 1</script><p>Report</p>";
  auto uploaded = Upload(id, {{"evil.html", page}});
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;

  // The task contains the page's text, but the file is stored and served too.
  auto stored = database_->db().Read([&](store::Connection& c) {
    return c.QueryOne("SELECT file FROM file_uploads WHERE project_id = ?", {id});
  });
  ASSERT_TRUE(stored);
  ASSERT_TRUE(*stored);
  const std::string url = "/data/" + (*stored)->Text(0);
  ASSERT_TRUE(url.ends_with("-evil.html")) << url;

  auto whole = Get(url);
  auto ranged = client_->Send("GET", url, "", {Auth(kOwnerToken), "Range: bytes=0-7"});
  auto past_end = client_->Send("GET", url, "", {Auth(kOwnerToken), "Range: bytes=100000-"});
  ASSERT_EQ(whole.status, 200);
  ASSERT_EQ(ranged.status, 206);
  ASSERT_EQ(past_end.status, 416);
  EXPECT_EQ(whole.body, page);
  for (const auto* response : {&whole, &ranged, &past_end}) {
    EXPECT_EQ(response->Header("content-security-policy"), "sandbox") << response->status;
    EXPECT_EQ(response->Header("x-content-type-options"), "nosniff") << response->status;
  }
}

// Label Studio's import by URL: a form body with url=<address>.
testing::HttpResponse ImportUrl(testing::HttpClient& client, int64_t project_id, const std::string& url) {
  std::string encoded;
  for (unsigned char c : url) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      encoded += fmt::format("%{:02X}", c);
    }
  }
  return client.Send("POST", "/api/projects/" + std::to_string(project_id) + "/import", "url=" + encoded,
                     {"Authorization: Token " + std::string(kOwnerToken),
                      "Content-Type: application/x-www-form-urlencoded"});
}

TEST_P(LabelingImport, ImportsTaskFilesAndMediaByUrl) {
  const std::filesystem::path files = std::filesystem::temp_directory_path() / ("tally-url-import-" + RandomHex(6));
  std::filesystem::create_directories(files);
  const std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR fake image bytes", 29);
  std::ofstream(files / "tasks.json") << R"([{"text": "from a JSON file"}, {"text": "second"}])";
  std::ofstream(files / "tasks.csv") << "text\n\"quoted, with a comma\"\n";
  std::ofstream(files / "bare") << R"([{"text": "served without an extension"}])";
  std::ofstream(files / "photo.png", std::ios::binary) << png;
  testing::PeerProcess server("file_server.py", {files.string()});
  ASSERT_TRUE(server.started()) << server.failure_reason();
  const std::string base = server.base_url() + "/";

  const int64_t id = CreateProject(kSentimentConfig);
  auto imported = ImportUrl(*client_, id, base + "tasks.json");
  ASSERT_EQ(imported.status, 201) << imported.body;
  EXPECT_EQ(imported.Json().at("task_count"), 2);
  imported = ImportUrl(*client_, id, base + "tasks.csv");
  ASSERT_EQ(imported.status, 201) << imported.body;
  imported = ImportUrl(*client_, id, base + "bare");
  ASSERT_EQ(imported.status, 201) << imported.body;
  // JSON in the url field is inline tasks, single quotes and all.
  imported = ImportUrl(*client_, id, "[{'text': 'inline task'}]");
  ASSERT_EQ(imported.status, 201) << imported.body;

  std::vector<std::string> texts;
  for (const bj::value& task : TaskList(id)) texts.emplace_back(task.at("data").at("text").as_string());
  EXPECT_EQ(texts, (std::vector<std::string>{"from a JSON file", "second", "quoted, with a comma",
                                             "served without an extension", "inline task"}));

  // Media by URL is stored and served like an upload.
  TALLY_REQUIRE_TEMPLATE(config, "computer-vision__image-classification");
  const int64_t images = CreateProject(config, "Images");
  imported = ImportUrl(*client_, images, base + "photo.png");
  ASSERT_EQ(imported.status, 201) << imported.body;
  const std::string url(TaskList(images).at(0).at("data").at("image").as_string());
  EXPECT_TRUE(url.ends_with("-photo.png")) << url;
  EXPECT_EQ(Get(url).body, png);

  // Failures name the field and leave the project as it was.
  auto failed = ImportUrl(*client_, id, base + "missing.json");
  EXPECT_EQ(failed.status, 400);
  EXPECT_NE(failed.body.find("404"), std::string::npos) << failed.body;
  EXPECT_NE(failed.body.find("\"url\""), std::string::npos) << failed.body;
  failed = ImportUrl(*client_, id, "ftp://127.0.0.1/tasks.json");
  EXPECT_EQ(failed.status, 400) << failed.body;
  failed = client_->Send("POST", "/api/projects/" + std::to_string(id) + "/import", "other=1",
                         {Auth(kOwnerToken), "Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(failed.status, 400) << failed.body;
  EXPECT_NE(failed.body.find("url"), std::string::npos) << failed.body;
  failed = ImportUrl(*client_, id, "http://user:secret@127.0.0.1/tasks.json");
  EXPECT_EQ(failed.status, 400) << failed.body;
  EXPECT_EQ(failed.body.find("secret"), std::string::npos) << failed.body;

  // Only a manager of the project may make the server fetch a URL.
  failed = client_->Send("POST", "/api/projects/" + std::to_string(id) + "/import", "url=" + base + "tasks.json",
                         {Auth(annotator_token_), "Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(failed.status, 403) << failed.body;
  failed = client_->Send("POST", "/api/projects/" + std::to_string(id) + "/import", "url=" + base + "tasks.json",
                         {Auth(outsider_token_), "Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(failed.status, 404) << failed.body;
  failed = ImportUrl(*client_, 999999, base + "tasks.json");
  EXPECT_EQ(failed.status, 404) << failed.body;

  server.Stop();
  failed = ImportUrl(*client_, id, base + "tasks.json");
  EXPECT_EQ(failed.status, 400) << failed.body;
  EXPECT_EQ(Counter(id, "task_number"), 5);

  std::filesystem::remove_all(files);
}

TEST_P(LabelingImport, LargeBodiesAndLongFileNames) {
  const int64_t id = CreateProject(kSentimentConfig);

  // Over the server's spool threshold (8 MiB) the body goes to a file
  // first, and the import reads it through a map of that file.
  std::string body = "[";
  const std::string padding(1000, 'p');
  for (int i = 0; i < 9000; ++i) body += (i ? "," : "") + std::string(R"({"text":")") + padding + "\"}";
  body += "]";
  ASSERT_GT(body.size(), size_t{8} << 20);
  auto imported = Import(id, body);
  ASSERT_EQ(imported.status, 201) << imported.body.substr(0, 300);
  EXPECT_EQ(imported.Json().at("task_count"), 9000);
  imported = Import(id, body, "?async=true");
  ASSERT_EQ(imported.status, 202) << imported.body.substr(0, 300);
  const bj::value state =
      PollImport("/api/projects/" + std::to_string(id) + "/imports/" + std::to_string(imported.Json().at("import").as_int64()));
  EXPECT_EQ(state.at("status"), "completed") << bj::serialize(state);
  EXPECT_EQ(Counter(id, "task_number"), 18000);

  // A file name longer than file systems allow is shortened, extension kept.
  const std::string long_name = std::string(300, 'm') + ".json";
  auto uploaded = Upload(id, {{long_name, R"([{"text": "long name"}])"}});
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
  EXPECT_EQ(Counter(id, "task_number"), 18001);
}

// Sends a POST with a JSON body over a plain socket, `piece` bytes at a time
// with `pause` after each, and returns the response's status code (0 when
// none came). Lets a test play a client that uploads slowly.
int PostSlowly(int port, const std::string& path, const std::string& body, size_t piece,
               std::chrono::milliseconds pause) {
  const int fd = testing::ConnectLoopback(port, 60);
  if (fd < 0) return 0;
  const std::string head = fmt::format(
      "POST {} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Token {}\r\nContent-Type: application/json\r\n"
      "Content-Length: {}\r\nConnection: close\r\n\r\n",
      path, kOwnerToken, body.size());
  ::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
  for (size_t at = 0; at < body.size(); at += piece) {
    const size_t size = std::min(piece, body.size() - at);
    if (::send(fd, body.data() + at, size, MSG_NOSIGNAL) != static_cast<ssize_t>(size)) break;
    std::this_thread::sleep_for(pause);
  }
  std::string response;
  char buffer[4096];
  for (ssize_t got; (got = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) response.append(buffer, got);
  ::close(fd);
  if (!response.starts_with("HTTP/1.1 ")) return 0;
  return std::atoi(response.c_str() + 9);
}

// A large upload without credentials gets 401 before its body is read, so
// a client waiting for 100 Continue receives the 401 instead.
TEST_P(LabelingImport, AnonymousLargeUploadIsRejectedUnread) {
  const int64_t id = CreateProject(kSentimentConfig);
  for (const char* type : {"application/json", "multipart/form-data; boundary=x"}) {
    const int fd = testing::ConnectLoopback(server_->port(), 10);
    ASSERT_GE(fd, 0);
    const std::string head = fmt::format(
        "POST /api/projects/{}/import HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {}\r\n"
        "Content-Length: {}\r\nExpect: 100-continue\r\n\r\n",
        id, type, size_t{20} << 20);
    ASSERT_EQ(::send(fd, head.data(), head.size(), MSG_NOSIGNAL), static_cast<ssize_t>(head.size()));
    std::string response(64, '\0');
    const ssize_t got = ::recv(fd, response.data(), response.size(), 0);
    ::close(fd);
    ASSERT_GT(got, 12) << type;
    EXPECT_TRUE(response.starts_with("HTTP/1.1 401")) << type << ": " << response.substr(0, 40);
  }
  EXPECT_EQ(Counter(id, "task_number"), 0);
}

// A JSON body past the server's read-ahead (8 MiB) is imported while it
// arrives when the client sends fast. When the client sends slowly, the
// body goes to a file first, so the import never waits on it with the write
// lock taken. Both give the same tasks, all or nothing.
TEST_P(LabelingImport, LargeBodiesStreamOrSpoolBySendingRate) {
  const int64_t id = CreateProject(kSentimentConfig);
  const std::string path = "/api/projects/" + std::to_string(id) + "/import";
  constexpr int kTasks = 18000;
  std::string body = "[";
  const std::string padding(1000, 's');
  for (int i = 0; i < kTasks; ++i) body += (i ? "," : "") + fmt::format(R"({{"text":"{} {}"}})", i, padding);
  body += "]";
  ASSERT_GT(body.size(), size_t{17} << 20);

  auto imported = Import(id, body);
  ASSERT_EQ(imported.status, 201) << imported.body.substr(0, 300);
  EXPECT_EQ(imported.Json().at("task_count"), kTasks);
  EXPECT_NE(server_->Log().find("body=streamed"), std::string::npos);

  // 256 KiB every 20 ms is at most 12.5 MiB/s, under the streaming rate.
  EXPECT_EQ(PostSlowly(server_->port(), path, body, 256 << 10, std::chrono::milliseconds(20)), 201);
  EXPECT_NE(server_->Log().find("body=file"), std::string::npos);
  EXPECT_EQ(Counter(id, "task_number"), 2 * kTasks);

  // The streamed tasks are stored whole and in order.
  const auto last = Get("/api/tasks?project=" + std::to_string(id) + "&page=360&page_size=50");
  ASSERT_EQ(last.status, 200) << last.body.substr(0, 300);
  const bj::value page = last.Json();
  const bj::array& tasks = page.at("tasks").as_array();
  ASSERT_EQ(tasks.size(), 50u);
  EXPECT_EQ(std::string(tasks.back().at("data").at("text").as_string()), fmt::format("{} {}", kTasks - 1, padding));

  // A bad item near the end of a streamed body rolls the whole import back.
  std::string bad = body;
  bad.insert(bad.size() - 1, R"(,{"body":"no text"})");
  const auto rejected = Import(id, bad);
  ASSERT_EQ(rejected.status, 400) << rejected.body.substr(0, 300);
  EXPECT_NE(rejected.body.find(fmt::format("item {}", kTasks)), std::string::npos) << rejected.body.substr(0, 300);
  EXPECT_EQ(Counter(id, "task_number"), 2 * kTasks);

  // So does a body cut off in the middle of the list.
  EXPECT_EQ(Import(id, body.substr(0, body.size() - 2000)).status, 400);
  EXPECT_EQ(Counter(id, "task_number"), 2 * kTasks);
}

// Runs of plain tasks go in 64 rows per statement, and on SQLite their ids
// are worked out from the last one. Each returned id must be its item's task.
TEST_P(LabelingImport, ReturnedTaskIdsMatchTheirItems) {
  const int64_t id = CreateProject(kSentimentConfig);
  ASSERT_EQ(Import(id, R"([{"text":"before"}])").status, 201);

  std::string body = "[";
  for (int i = 0; i < 300; ++i) body += (i ? "," : "") + fmt::format(R"({{"text":"item {}"}})", i);
  body += "]";
  const auto imported = Import(id, body, "?return_task_ids=true");
  ASSERT_EQ(imported.status, 201) << imported.body;
  const bj::value response = imported.Json();
  const bj::array& ids = response.at("task_ids").as_array();
  ASSERT_EQ(ids.size(), 300u);
  for (size_t i : {size_t{0}, size_t{63}, size_t{64}, size_t{200}, size_t{299}}) {
    const auto task = Get("/api/tasks/" + std::to_string(ids[i].as_int64()));
    ASSERT_EQ(task.status, 200) << task.body;
    EXPECT_EQ(task.Json().at("data").at("text"), bj::value(fmt::format("item {}", i)));
  }
}

TEST_P(LabelingImport, AsyncImportRunsAsJob) {
  const int64_t id = CreateProject(kSentimentConfig);
  const std::string project = "/api/projects/" + std::to_string(id);

  auto started = Import(id, R"([{"text":"a"},{"text":"b"}])", "?async=true&return_task_ids=true");
  ASSERT_EQ(started.status, 202) << started.body;
  const int64_t import_id = started.Json().at("import").as_int64();
  bj::value state = PollImport(project + "/imports/" + std::to_string(import_id));
  ASSERT_EQ(state.at("status"), "completed") << bj::serialize(state);
  EXPECT_EQ(state.at("task_count"), 2);
  EXPECT_EQ(state.at("progress"), 100);
  EXPECT_EQ(state.at("task_ids").as_array().size(), 2u);
  EXPECT_EQ(Counter(id, "task_number"), 2);

  auto bad = Import(id, R"([{"text":"ok"},{"body":"no text"}])", "?async=true");
  ASSERT_EQ(bad.status, 202) << bad.body;
  state = PollImport(project + "/imports/" + std::to_string(bad.Json().at("import").as_int64()));
  ASSERT_EQ(state.at("status"), "failed") << bj::serialize(state);
  EXPECT_NE(std::string(state.at("error").as_string()).find("item 1"), std::string::npos) << bj::serialize(state);
  EXPECT_EQ(Counter(id, "task_number"), 2) << "a failed job writes nothing";

  EXPECT_EQ(Get(project + "/imports/" + std::to_string(import_id), outsider_token_).status, 404);
  EXPECT_EQ(Get(project + "/imports/999999").status, 404);
  EXPECT_EQ(Post(project + "/import?async=true", R"([{"text":"c"}])", annotator_token_).status, 403);
}

// Imports and single task creations that run at the same time must each
// get their own inner ids. On PostgreSQL, two transactions that both read
// MAX(inner_id) before either committed used to collide on the unique
// (project_id, inner_id) index and one of them failed with 409.
TEST_P(LabelingImport, ParallelCreationsGetDistinctInnerIds) {
  const int64_t id = CreateProject(kSentimentConfig);
  constexpr int kClients = 8;
  constexpr int kRounds = 4;

  std::vector<std::vector<int>> statuses(kClients);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      testing::HttpClient client(server_->base_url());
      ready.fetch_add(1);
      while (ready.load() < kClients) std::this_thread::yield();
      for (int round = 0; round < kRounds; ++round) {
        const std::string text = fmt::format("client {} round {}", i, round);
        testing::HttpResponse response =
            (i + round) % 2 == 0
                ? client.Post(fmt::format("/api/projects/{}/import", id),
                              bj::serialize(bj::array{bj::object{{"text", text}}, bj::object{{"text", text + " b"}}}),
                              {Auth(kOwnerToken)})
                : client.Post("/api/tasks",
                              bj::serialize(bj::object{{"project", id}, {"data", bj::object{{"text", text}}}}),
                              {Auth(kOwnerToken)});
        statuses[i].push_back(response.status);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  int expected_tasks = 0;
  for (int i = 0; i < kClients; ++i) {
    for (int round = 0; round < kRounds; ++round) {
      EXPECT_EQ(statuses[i][round], 201) << "client " << i << " round " << round;
      expected_tasks += (i + round) % 2 == 0 ? 2 : 1;
    }
  }
  const bj::array tasks = TaskList(id);
  ASSERT_EQ(tasks.size(), static_cast<size_t>(expected_tasks));
  std::set<int64_t> inner_ids;
  for (const bj::value& task : tasks) inner_ids.insert(task.at("inner_id").as_int64());
  EXPECT_EQ(inner_ids.size(), tasks.size()) << "every task has its own inner_id";
  EXPECT_EQ(*inner_ids.begin(), 1);
  EXPECT_EQ(*inner_ids.rbegin(), expected_tasks) << "inner ids have no gaps";
  EXPECT_EQ(Project(id).at("task_number"), expected_tasks);
}

// With overlap_cohort_percentage below 100 every import rewrites the
// overlap of all the project's tasks. On PostgreSQL it did so in the
// opposite lock order to annotation and prediction writes (task row, then
// project row), so requests failed with a deadlock as 503.
TEST_P(LabelingImport, CohortImportsWithAnnotationsDoNotDeadlock) {
  const int64_t id = CreateProject(kSentimentConfig);
  ASSERT_EQ(Patch(fmt::format("/api/projects/{}", id), R"({"maximum_annotations":2,"overlap_cohort_percentage":50})")
                .status,
            200);
  bj::array seed;
  for (int i = 0; i < 40; ++i) seed.push_back(bj::object{{"text", fmt::format("seed {}", i)}});
  auto seeded = Import(id, bj::serialize(seed), "?return_task_ids=true");
  ASSERT_EQ(seeded.status, 201) << seeded.body;
  const bj::value seeded_body = seeded.Json();
  std::vector<int64_t> task_ids;
  for (const bj::value& task_id : seeded_body.at("task_ids").as_array()) task_ids.push_back(task_id.as_int64());

  const std::string result =
      R"([{"id":"r1","from_name":"sentiment","to_name":"text","type":"choices","value":{"choices":["Positive"]}}])";
  constexpr int kWriters = 5;  // 0: imports, 1: predictions, 2-4: annotations
  constexpr int kRequests = 30;
  std::vector<std::vector<std::string>> failures(kWriters);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      testing::HttpClient client(server_->base_url());
      ready.fetch_add(1);
      while (ready.load() < kWriters) std::this_thread::yield();
      for (int n = 0; n < kRequests; ++n) {
        const int64_t task_id = task_ids[(static_cast<size_t>(w) * 7 + static_cast<size_t>(n)) % task_ids.size()];
        testing::HttpResponse response;
        if (w == 0) {
          response = client.Post(fmt::format("/api/projects/{}/import", id),
                                 bj::serialize(bj::object{{"text", fmt::format("late {}", n)}}), {Auth(kOwnerToken)});
        } else if (w == 1) {
          response = client.Post("/api/predictions", fmt::format(R"({{"task":{},"result":{}}})", task_id, result),
                                 {Auth(kOwnerToken)});
        } else {
          response = client.Post(fmt::format("/api/tasks/{}/annotations", task_id),
                                 fmt::format(R"({{"result":{}}})", result), {Auth(kOwnerToken)});
        }
        if (response.status != 201) failures[w].push_back(fmt::format("{} {}", response.status, response.body));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  for (int w = 0; w < kWriters; ++w) {
    EXPECT_TRUE(failures[w].empty()) << "writer " << w << ": " << failures[w].size() << " failed, first: "
                                     << (failures[w].empty() ? "" : failures[w].front());
  }
  const bj::object project = Project(id);
  EXPECT_EQ(project.at("task_number"), 40 + kRequests);
  EXPECT_EQ(project.at("total_annotations_number"), 3 * kRequests);
  EXPECT_EQ(project.at("total_predictions_number"), kRequests);
}

// The import rejects a large JSON body before reading all of it: a caller
// without credentials at once, a missing project or a caller without the
// manager role after the server read 8 MiB ahead. The client is still sending
// then, and must get that response, not a reset connection.
TEST_P(LabelingImport, RejectionBeforeBodyEndReachesClient) {
  const int64_t id = CreateProject(kSentimentConfig);
  std::string body = "[";
  const std::string padding(1000, 'r');
  for (int i = 0; i < 20000; ++i) body += (i ? "," : "") + fmt::format(R"({{"text":"{} {}"}})", i, padding);
  body += "]";
  ASSERT_GT(body.size(), size_t{19} << 20);

  for (int attempt = 0; attempt < 5; ++attempt) {
    const auto missing = Import(999999, body);
    ASSERT_EQ(missing.status, 404) << "attempt " << attempt << ": " << missing.body.substr(0, 300);
    ASSERT_TRUE(missing.Json().is_object()) << missing.body.substr(0, 300);
    EXPECT_EQ(missing.Json().at("status_code"), 404);
    EXPECT_TRUE(missing.Json().at("detail").is_string()) << missing.body;

    const auto annotator = Post("/api/projects/" + std::to_string(id) + "/import", body, annotator_token_);
    ASSERT_EQ(annotator.status, 403) << "attempt " << attempt << ": " << annotator.body.substr(0, 300);
    ASSERT_TRUE(annotator.Json().is_object()) << annotator.body.substr(0, 300);
    EXPECT_EQ(annotator.Json().at("status_code"), 403);

    const auto anonymous = client_->Post("/api/projects/" + std::to_string(id) + "/import", body);
    ASSERT_EQ(anonymous.status, 401) << "attempt " << attempt << ": " << anonymous.body.substr(0, 300);
    EXPECT_EQ(anonymous.Json().at("status_code"), 401) << anonymous.body;
  }

  // A client that reads only after sending everything, as Python's requests
  // does, fails at its first send after a reset, before it reads anything.
  // Over loopback, socket buffers absorb several MiB of what the server does
  // not read, so this body is larger than the one above.
  std::string large_body = "[";
  for (int i = 0; i < 64000; ++i) large_body += (i ? "," : "") + fmt::format(R"({{"text":"{} {}"}})", i, padding);
  large_body += "]";
  const auto send_all_then_read = [&](const std::string& path) {
    const int fd = testing::ConnectLoopback(server_->port(), 30);
    std::string outcome = "connect failed";
    if (fd >= 0) {
      std::string request = fmt::format(
          "POST {} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Token {}\r\nContent-Type: application/json\r\n"
          "Content-Length: {}\r\n\r\n",
          path, kOwnerToken, large_body.size());
      request += large_body;
      std::string_view unsent = request;
      while (!unsent.empty()) {
        const ssize_t sent = ::send(fd, unsent.data(), unsent.size(), MSG_NOSIGNAL);
        if (sent <= 0) break;
        unsent.remove_prefix(static_cast<size_t>(sent));
      }
      if (!unsent.empty()) {
        outcome = std::string("send failed: ") + std::strerror(errno);
      } else {
        char head[12] = {};
        outcome = ::recv(fd, head, sizeof head, MSG_WAITALL) == sizeof head ? std::string(head, sizeof head)
                                                                             : "no response";
      }
    }
    ::close(fd);
    return outcome;
  };
  for (int attempt = 0; attempt < 5; ++attempt) {
    EXPECT_EQ(send_all_then_read("/api/projects/999999/import"), "HTTP/1.1 404") << "attempt " << attempt;
  }
  EXPECT_EQ(Counter(id, "task_number"), 0);

  // The same client goes on to import on a new connection.
  EXPECT_EQ(Import(id, R"([{"text":"after"}])").status, 201);
}

class LabelingImportLimit : public LabelingApiTest {
 protected:
  void SetUp() override { StartServer({{"TALLY_IMPORT_MAX_BYTES", "2048"}}); }
};

TEST_P(LabelingImportLimit, BodyOverTheLimitIsRejected) {
  const int64_t id = CreateProject(kSentimentConfig);
  bj::array items;
  for (int i = 0; i < 100; ++i) items.push_back(bj::object{{"text", "padding padding padding"}});
  const std::string body = bj::serialize(items);
  ASSERT_GT(body.size(), 2048u);
  auto rejected = Import(id, body);
  EXPECT_EQ(rejected.status, 413) << rejected.body;
  EXPECT_EQ(Counter(id, "task_number"), 0);
  EXPECT_EQ(Import(id, R"([{"text":"small"}])").status, 201);
}

INSTANTIATE_TEST_SUITE_P(Backends, LabelingImport, ::testing::ValuesIn(store::testing::Backends()));
INSTANTIATE_TEST_SUITE_P(Backends, LabelingImportLimit, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally
