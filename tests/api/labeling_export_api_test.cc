// Export over real HTTP, on SQLite and on PostgreSQL: every format from one
// image project (known sizes, a rotated box, a polygon, two annotators, an
// empty result, a cancelled annotation, non-ASCII labels) and one text
// project (emoji and CRLF in the text), streamed with chunked transfer.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <openssl/evp.h>
#include <png.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <regex>

#include "api/labeling_fixture.h"
#include "support/command.h"

namespace tally {
namespace {

using LabelingExport = LabelingApiTest;

constexpr const char* kImageConfig =
    R"(<View><Image name="image" value="$image"/>)"
    R"(<RectangleLabels name="box" toName="image"><Label value="Cat"/><Label value="Кот 🐱"/></RectangleLabels>)"
    R"(<PolygonLabels name="shape" toName="image"><Label value="Cat"/><Label value="Кот 🐱"/></PolygonLabels></View>)";

// Files of a ZIP archive by name, read through its central directory.
std::map<std::string, std::string> Unzip(const std::string& archive) {
  std::map<std::string, std::string> files;
  const auto u16 = [&](size_t at) {
    return static_cast<uint32_t>(static_cast<unsigned char>(archive[at])) |
           static_cast<uint32_t>(static_cast<unsigned char>(archive[at + 1])) << 8;
  };
  const auto u32 = [&](size_t at) { return u16(at) | u16(at + 2) << 16; };
  const size_t end = archive.rfind(std::string("PK\x05\x06", 4));
  if (end == std::string::npos) {
    ADD_FAILURE() << "no end of central directory";
    return files;
  }
  size_t entry = u32(end + 16);
  for (uint32_t i = 0; i < u16(end + 10); ++i) {
    EXPECT_EQ(u32(entry), 0x02014b50u);
    const uint32_t method = u16(entry + 10), crc = u32(entry + 16), compressed = u32(entry + 20);
    const uint32_t size = u32(entry + 24), name_length = u16(entry + 28);
    const uint32_t extra = u16(entry + 30), comment = u16(entry + 32), offset = u32(entry + 42);
    const std::string name = archive.substr(entry + 46, name_length);
    const size_t data = offset + 30 + u16(offset + 26) + u16(offset + 28);
    std::string content(size, '\0');
    if (method == 8) {
      z_stream stream{};
      inflateInit2(&stream, -MAX_WBITS);
      stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(archive.data() + data));
      stream.avail_in = compressed;
      stream.next_out = reinterpret_cast<Bytef*>(content.data());
      stream.avail_out = size;
      EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END) << name;
      inflateEnd(&stream);
    } else {
      content = archive.substr(data, size);
    }
    EXPECT_EQ(crc32(0, reinterpret_cast<const Bytef*>(content.data()), size), crc) << name;
    files[name] = content;
    entry += 46 + name_length + extra + comment;
  }
  return files;
}

// Entry names of a ZIP archive in central directory order, repeats included.
std::vector<std::string> ZipEntryNames(const std::string& archive) {
  std::vector<std::string> names;
  const auto u16 = [&](size_t at) {
    return static_cast<uint32_t>(static_cast<unsigned char>(archive[at])) |
           static_cast<uint32_t>(static_cast<unsigned char>(archive[at + 1])) << 8;
  };
  const auto u32 = [&](size_t at) { return u16(at) | u16(at + 2) << 16; };
  const size_t end = archive.rfind(std::string("PK\x05\x06", 4));
  if (end == std::string::npos) return names;
  size_t entry = u32(end + 16);
  for (uint32_t i = 0; i < u16(end + 10); ++i) {
    const uint32_t name_length = u16(entry + 28);
    names.push_back(archive.substr(entry + 46, name_length));
    entry += 46 + name_length + u16(entry + 30) + u16(entry + 32);
  }
  return names;
}

std::string Md5Hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_md5(), nullptr);
  return fmt::format("{:02x}", fmt::join(digest, digest + length, ""));
}

std::string Region(const std::string& id, const std::string& from_name, const std::string& type,
                   const std::string& value) {
  return R"({"id":")" + id + R"(","from_name":")" + from_name + R"(","to_name":"image","type":")" + type +
         R"(","original_width":800,"original_height":600,"image_rotation":0,"value":)" + value + "}";
}

class ImageProject {
 public:
  int64_t id = 0;
  std::vector<int64_t> task_ids;
};

class LabelingExportTest : public LabelingExport {
 protected:
  // Tasks: 1 = a box and a polygon by the owner, then a rotated box by the
  // annotator; 2 = an empty result (a negative); 3 = a cancelled annotation
  // only; 4 = no annotation; 5 = a ground truth box.
  ImageProject Seed() {
    const int64_t project_id = CreateProject(kImageConfig, "Images");
    ImageProject project{project_id, {}};
    const std::string body = std::string("[") +
        R"({"data":{"image":"/data/upload/1/cat.jpg"},"annotations":[{"completed_by":{"email":"owner@example.com"},"result":[)" +
        Region("b1", "box", "rectanglelabels",
               R"({"x":10,"y":20,"width":30,"height":40,"rotation":0,"rectanglelabels":["Cat"]})") +
        "," +
        Region("p1", "shape", "polygonlabels", R"({"points":[[10,10],[50,10],[30,40]],"polygonlabels":["Кот 🐱"]})") +
        "]}]}," +
        R"({"data":{"image":"/data/upload/1/empty.png"},"annotations":[{"result":[]}]},)" +
        R"({"data":{"image":"/data/upload/1/skipped.png"},"annotations":[{"result":[],"was_cancelled":true}]},)" +
        R"({"data":{"image":"/data/upload/1/unlabeled.png"}},)" +
        R"({"data":{"image":"/data/upload/1/truth.png"},"annotations":[{"ground_truth":true,"result":[)" +
        Region("g1", "box", "rectanglelabels",
               R"({"x":0,"y":0,"width":50,"height":50,"rotation":0,"rectanglelabels":["Кот 🐱"]})") +
        "]}]}]";
    auto imported = Post("/api/projects/" + std::to_string(project_id) + "/import?return_task_ids=true", body);
    EXPECT_EQ(imported.status, 201) << imported.body;
    if (imported.status != 201) return project;
    const bj::value created = imported.Json();
    for (const auto& id : created.at("task_ids").as_array()) project.task_ids.push_back(id.as_int64());
    // A second, newer annotation of task 1 by another annotator.
    auto second = Post("/api/tasks/" + std::to_string(project.task_ids[0]) + "/annotations",
                       "{\"result\":[" +
                           Region("r1", "box", "rectanglelabels",
                                  R"({"x":50,"y":50,"width":20,"height":10,"rotation":30,"rectanglelabels":["Cat"]})") +
                           "]}",
                       annotator_token_);
    EXPECT_EQ(second.status, 201) << second.body;
    return project;
  }
  // The snapshot at `path` once its job has completed or failed (polled,
  // because the job runs in the server's worker pool), for at most 20 s.
  bj::value WaitForSnapshot(const std::string& path) {
    bj::value status;
    for (int attempt = 0; attempt < 200; ++attempt) {
      status = Get(path).Json();
      if (status.at("status") == "completed" || status.at("status") == "failed") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return status;
  }

  testing::HttpResponse Export(int64_t project_id, const std::string& query) {
    return Get("/api/projects/" + std::to_string(project_id) + "/export" + query);
  }
};

TEST_P(LabelingExportTest, JsonIsStreamedWithFileName) {
  const ImageProject project = Seed();
  auto response = Export(project.id, "?exportType=JSON");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.Header("transfer-encoding"), "chunked");
  EXPECT_EQ(response.Header("content-length"), "");
  const std::regex name("project-" + std::to_string(project.id) + R"(-at-\d{4}-\d\d-\d\d-\d\d-\d\d-[0-9a-f]{8}\.json)");
  EXPECT_TRUE(std::regex_match(response.Header("filename"), name)) << response.Header("filename");
  EXPECT_NE(response.Header("content-disposition").find(response.Header("filename")), std::string::npos);

  const bj::array tasks = response.Json().as_array();
  ASSERT_EQ(tasks.size(), 4u) << "tasks without annotations are left out by default";
  EXPECT_EQ(tasks[0].at("id"), project.task_ids[0]);
  EXPECT_EQ(tasks[0].at("annotations").as_array().size(), 2u);
  EXPECT_EQ(tasks[0].at("annotations").at(0).at("completed_by").at("email"), "owner@example.com");
  EXPECT_EQ(tasks[0].at("annotations").at(1).at("completed_by").at("email"), "annotator@example.com");
  EXPECT_EQ(tasks[2].at("annotations").at(0).at("was_cancelled"), true) << "cancelled annotations stay in JSON";
  EXPECT_EQ(tasks[0].at("annotations").at(0).at("result_count"), 2);
  EXPECT_EQ(tasks[0].at("data").at("image"), "/data/upload/1/cat.jpg");
  EXPECT_EQ(tasks[0].at("annotations").at(0).at("result").at(1).at("value").at("polygonlabels").at(0), "Кот 🐱");

  auto all = Export(project.id, "?exportType=JSON&download_all_tasks=true");
  EXPECT_EQ(all.Json().as_array().size(), 5u);
  auto picked = Export(project.id, "?exportType=JSON&download_all_tasks=true&ids[]=" +
                                       std::to_string(project.task_ids[1]) + "&ids[]=" +
                                       std::to_string(project.task_ids[3]));
  ASSERT_EQ(picked.Json().as_array().size(), 2u);
  EXPECT_EQ(picked.Json().at(1).at("id"), project.task_ids[3]);

  const bj::value truth = Export(project.id, "?exportType=JSON&usual=false&skipped=false").Json();
  for (const auto& task : truth.as_array()) {
    for (const auto& annotation : task.at("annotations").as_array()) EXPECT_EQ(annotation.at("ground_truth"), true);
  }
  const bj::value no_skipped = Export(project.id, "?exportType=JSON&skipped=false").Json();
  for (const auto& task : no_skipped.as_array()) {
    for (const auto& annotation : task.at("annotations").as_array()) {
      EXPECT_EQ(annotation.at("was_cancelled"), false);
    }
  }
}

TEST_P(LabelingExportTest, CocoConvertsPercentToPixels) {
  const ImageProject project = Seed();
  // Without media COCO is the plain result.json (with media, an archive).
  auto response = Export(project.id, "?exportType=COCO&download_resources=false");
  ASSERT_EQ(response.status, 200) << response.body;
  const bj::object coco = response.Json().as_object();

  // Records: task 1 newest first (rotated box, then box + polygon), the
  // empty result, the ground truth; the cancelled task gives none.
  const bj::array& images = coco.at("images").as_array();
  ASSERT_EQ(images.size(), 4u) << response.body;
  EXPECT_EQ(images[0].at("file_name"), "/data/upload/1/cat.jpg");
  EXPECT_EQ(images[1].at("file_name"), "/data/upload/1/cat.jpg");
  EXPECT_EQ(images[0].at("width"), 800);
  EXPECT_EQ(images[0].at("height"), 600);
  EXPECT_EQ(images[2].at("file_name"), "/data/upload/1/empty.png");
  EXPECT_TRUE(images[2].at("width").is_null()) << "an empty result is a negative image";

  const bj::array& categories = coco.at("categories").as_array();
  ASSERT_EQ(categories.size(), 2u);
  EXPECT_EQ(categories[0].at("name"), "Cat");
  EXPECT_EQ(categories[1].at("name"), "Кот 🐱");

  const bj::array& annotations = coco.at("annotations").as_array();
  ASSERT_EQ(annotations.size(), 4u);
  // The rotated box becomes its axis-aligned bounds. The converter rotates
  // in percent units, not pixels (so a non-square image skews the bounds);
  // exports follow it because existing COCO files were made that way.
  const double sin30 = 0.5, cos30 = std::sqrt(3.0) / 2;
  const bj::array& rotated = annotations[0].at("bbox").as_array();
  EXPECT_NEAR(rotated[0].to_number<double>(), (50 - 10 * sin30) * 8, 1e-9);
  EXPECT_NEAR(rotated[1].to_number<double>(), 50 * 6, 1e-9);
  EXPECT_NEAR(rotated[2].to_number<double>(), (20 * cos30 + 10 * sin30) * 8, 1e-9);
  EXPECT_NEAR(rotated[3].to_number<double>(), (20 * sin30 + 10 * cos30) * 6, 1e-9);
  const bj::array& box = annotations[1].at("bbox").as_array();
  EXPECT_EQ(box, (bj::array{80.0, 120.0, 240.0, 240.0}));
  EXPECT_EQ(annotations[1].at("area"), 57600.0);
  EXPECT_EQ(annotations[2].at("segmentation"), (bj::array{bj::array{80.0, 60.0, 400.0, 60.0, 240.0, 240.0}}));
  EXPECT_EQ(annotations[2].at("bbox"), (bj::array{80.0, 60.0, 320.0, 180.0}));
  EXPECT_EQ(annotations[2].at("area"), 28800.0);
  EXPECT_EQ(annotations[2].at("category_id"), 1);
  EXPECT_EQ(annotations[3].at("image_id"), 3);
}

TEST_P(LabelingExportTest, YoloAndVocComeZipped) {
  const ImageProject project = Seed();
  auto yolo = Export(project.id, "?exportType=YOLO");
  ASSERT_EQ(yolo.status, 200) << yolo.body;
  EXPECT_EQ(yolo.Header("content-type"), "application/zip");
  EXPECT_NE(yolo.Header("filename").find(".zip"), std::string::npos);
  auto files = Unzip(yolo.body);
  EXPECT_EQ(files["classes.txt"], "Cat\nКот 🐱\n");
  // Of the two annotations of task 1 the oldest is written last and wins.
  EXPECT_EQ(files["labels/cat.txt"], "0 0.25 0.4 0.3 0.4\n1 0.1 0.1 0.5 0.1 0.3 0.4\n");
  ASSERT_TRUE(files.count("labels/empty.txt")) << "an empty result leaves an empty label file";
  EXPECT_EQ(files["labels/empty.txt"], "");
  EXPECT_EQ(files.count("labels/skipped.txt"), 0u) << "cancelled annotations make no negatives";
  EXPECT_EQ(files["labels/truth.txt"], "1 0.25 0.25 0.5 0.5\n");
  EXPECT_TRUE(bj::parse(files["notes.json"]).at("categories").is_array());

  auto obb = Export(project.id, "?exportType=YOLO_OBB&ids[]=" + std::to_string(project.task_ids[0]));
  files = Unzip(obb.body);
  // The unrotated box as four corners, then the polygon, which OBB keeps.
  EXPECT_EQ(files["labels/cat.txt"], "0 0.1 0.2 0.4 0.2 0.4 0.6 0.1 0.6\n1 0.1 0.1 0.5 0.1 0.3 0.4\n");

  auto voc = Export(project.id, "?exportType=VOC");
  ASSERT_EQ(voc.status, 200) << voc.body;
  files = Unzip(voc.body);
  const std::string& xml = files["Annotations/cat.xml"];
  EXPECT_NE(xml.find("<annotator>owner@example.com</annotator>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<width>800</width>\n<height>600</height>\n<depth>3</depth>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<xmin>80</xmin>\n<ymin>120</ymin>\n<xmax>320</xmax>\n<ymax>360</ymax>"), std::string::npos);
  EXPECT_EQ(files.count("Annotations/empty.xml"), 0u);
  EXPECT_NE(files["Annotations/truth.xml"].find("<name>Кот 🐱</name>"), std::string::npos);
}

TEST_P(LabelingExportTest, CsvAndJsonMinKeepTextExactly) {
  const int64_t id = CreateProject(kSentimentConfig, "Texts");
  const std::string text = "Hello 😀\r\nWorld, \"quoted\"";
  auto imported = Import(id, bj::serialize(bj::array{bj::object{
                                 {"data", bj::object{{"text", text}}},
                                 {"annotations", bj::array{bj::object{
                                                     {"lead_time", 12.4},
                                                     {"result", bj::array{bj::object{
                                                                    {"from_name", "sentiment"},
                                                                    {"to_name", "text"},
                                                                    {"type", "choices"},
                                                                    {"value", bj::object{{"choices", {"Positive"}}}}}}}}}}}}));
  ASSERT_EQ(imported.status, 201) << imported.body;

  auto csv = Get("/api/projects/" + std::to_string(id) + "/export?exportType=CSV");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.body.substr(0, csv.body.find("\r\n")),
            R"("annotation_id","annotator","created_at","id","lead_time","sentiment","text","updated_at")");
  EXPECT_NE(csv.body.find(R"(,12.4,"Positive","Hello 😀)" "\r\n" R"(World, ""quoted""",)"), std::string::npos)
      << csv.body;
  EXPECT_NE(csv.body.find(R"("owner@example.com")"), std::string::npos);

  auto tsv = Get("/api/projects/" + std::to_string(id) + "/export?exportType=TSV");
  EXPECT_NE(tsv.body.find("\"annotation_id\"\t\"annotator\""), std::string::npos);

  auto min = Get("/api/projects/" + std::to_string(id) + "/export?exportType=JSON_MIN");
  ASSERT_EQ(min.status, 200) << min.body;
  const bj::value records = min.Json();
  ASSERT_EQ(records.as_array().size(), 1u);
  EXPECT_EQ(records.at(0).at("text").as_string(), text);
  EXPECT_EQ(records.at(0).at("sentiment"), "Positive");
  EXPECT_EQ(records.at(0).at("annotator"), "owner@example.com");
}

TEST_P(LabelingExportTest, FormatsListAndBadRequests) {
  const int64_t text_project = CreateProject(kSentimentConfig, "Texts");
  auto formats = Get("/api/projects/" + std::to_string(text_project) + "/export/formats");
  ASSERT_EQ(formats.status, 200) << formats.body;
  std::map<std::string, bool> disabled;
  const bj::value listed = formats.Json();
  for (const auto& format : listed.as_array()) {
    disabled[format.at("name").as_string().c_str()] = format.as_object().contains("disabled");
  }
  EXPECT_FALSE(disabled.at("JSON"));
  EXPECT_FALSE(disabled.at("CSV"));
  EXPECT_TRUE(disabled.at("COCO"));
  EXPECT_TRUE(disabled.at("VOC"));
  EXPECT_TRUE(disabled.at("CONLL2003")) << "CoNLL needs a Labels control";

  auto unknown = Get("/api/projects/" + std::to_string(text_project) + "/export?exportType=PARQUET");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("exportType"), std::string::npos) << unknown.body;
  auto unfit = Get("/api/projects/" + std::to_string(text_project) + "/export?exportType=VOC");
  EXPECT_EQ(unfit.status, 400);
  EXPECT_NE(unfit.body.find("label config"), std::string::npos) << unfit.body;
  auto bad_ids = Get("/api/projects/" + std::to_string(text_project) + "/export?ids[]=abc");
  EXPECT_EQ(bad_ids.status, 400);
  EXPECT_NE(bad_ids.body.find("ids"), std::string::npos) << bad_ids.body;
  auto bad_flag = Get("/api/projects/" + std::to_string(text_project) + "/export?download_all_tasks=maybe");
  EXPECT_EQ(bad_flag.status, 400);
  auto outsider = Get("/api/projects/" + std::to_string(text_project) + "/export", outsider_token_);
  EXPECT_EQ(outsider.status, 404);
}

TEST_P(LabelingExportTest, CommandLineExportAndImport) {
  const ImageProject project = Seed();
  const std::string out = ::testing::TempDir() + "/cli-export-" + GetParam() + ".zip";
  const auto exported = testing::RunTally({"export", "--database-url", database_->url(), "--project",
                                           std::to_string(project.id), "--format", "YOLO", "--out", out});
  ASSERT_EQ(exported.exit_code, 0) << exported.error;
  // Not a terminal: plain progress lines, ending with every task done.
  EXPECT_NE(exported.error.find("export: 4/4 tasks"), std::string::npos) << exported.error;

  // CSV reads the tasks twice, and its progress still counts each task once.
  const std::string csv_out = ::testing::TempDir() + "/cli-export-" + GetParam() + ".csv";
  const auto csv = testing::RunTally({"export", "--database-url", database_->url(), "--project",
                                      std::to_string(project.id), "--format", "CSV", "--out", csv_out});
  ASSERT_EQ(csv.exit_code, 0) << csv.error;
  EXPECT_NE(csv.error.find("export: 4/4 tasks"), std::string::npos) << csv.error;
  EXPECT_EQ(csv.error.find("/8 tasks"), std::string::npos) << csv.error;
  std::remove(csv_out.c_str());
  std::ifstream in(out, std::ios::binary);
  std::stringstream archive;
  archive << in.rdbuf();
  auto files = Unzip(archive.str());
  EXPECT_EQ(files["labels/cat.txt"], "0 0.25 0.4 0.3 0.4\n1 0.1 0.1 0.5 0.1 0.3 0.4\n");
  std::remove(out.c_str());

  const auto unfit = testing::RunTally({"export", "--database-url", database_->url(), "--project",
                                        std::to_string(project.id), "--format", "CONLL", "--out", out});
  EXPECT_EQ(unfit.exit_code, 1);
  EXPECT_NE(unfit.error.find("exportType"), std::string::npos) << unfit.error;
  EXPECT_FALSE(std::ifstream(out).good()) << "a failed export leaves no file";

  const std::string tasks = ::testing::TempDir() + "/cli-import-" + GetParam() + ".json";
  std::ofstream(tasks) << R"([{"image":"/data/upload/1/new-1.png"},{"image":"/data/upload/1/new-2.png"}])";
  const auto imported = testing::RunTally({"import", "--database-url", database_->url(), "--project",
                                           std::to_string(project.id), tasks});
  ASSERT_EQ(imported.exit_code, 0) << imported.error;
  EXPECT_EQ(bj::parse(imported.output).at("task_count"), 2) << imported.output;
  EXPECT_EQ(Project(project.id).at("task_number"), 7);
  std::remove(tasks.c_str());
}

TEST_P(LabelingExportTest, SnapshotsRunAsJobsAndDownloadInAnyFormat) {
  const ImageProject project = Seed();
  const std::string base = "/api/projects/" + std::to_string(project.id) + "/exports";
  auto long_title = Post(base, bj::serialize(bj::object{{"title", std::string(2049, 'x')}}));
  EXPECT_EQ(long_title.status, 400) << long_title.body;
  EXPECT_NE(long_title.body.find("title"), std::string::npos) << long_title.body;
  auto emoji_title = Post(base, bj::serialize(bj::object{{"title", std::string(2048 / 2, 'x') + [] {
                                                            std::string emoji;
                                                            for (int i = 0; i < 1024; ++i) emoji += "\xF0\x9F\x98\x80";
                                                            return emoji;
                                                          }()}}));
  EXPECT_EQ(emoji_title.status, 201) << "2,048 characters fit however many bytes they take";
  ASSERT_EQ(Delete(base + "/" + std::to_string(emoji_title.Json().at("id").as_int64())).status, 204);
  auto created = Post(base, R"({"title":"before review","task_filter_options":{"only_with_annotations":true},
                                "annotation_filter_options":{"skipped":false}})");
  ASSERT_EQ(created.status, 201) << created.body;
  const bj::value snapshot = created.Json();
  EXPECT_EQ(snapshot.at("title"), "before review");
  EXPECT_TRUE(snapshot.at("job").is_int64());
  const std::string one = base + "/" + std::to_string(snapshot.at("id").as_int64());

  const bj::value status = WaitForSnapshot(one);
  ASSERT_EQ(status.at("status"), "completed") << bj::serialize(status);
  // Task 3's only annotation is cancelled, so with cancelled annotations
  // filtered out it has none left and stays out, as in Label Studio.
  EXPECT_EQ(status.at("counters").at("task_number"), 3);
  EXPECT_TRUE(status.at("finished_at").is_string());

  const bj::value listed = Get(base).Json();
  ASSERT_EQ(listed.as_array().size(), 1u);

  auto json = Get(one + "/download");
  ASSERT_EQ(json.status, 200) << json.body;
  EXPECT_EQ(status.at("md5").as_string(), Md5Hex(json.body)) << "md5 describes the downloaded bytes";
  EXPECT_EQ(status.at("md5").as_string().size(), 32u);
  const bj::array tasks = json.Json().as_array();
  ASSERT_EQ(tasks.size(), 3u);
  for (const auto& task : tasks) {
    for (const auto& annotation : task.at("annotations").as_array()) EXPECT_EQ(annotation.at("was_cancelled"), false);
  }

  auto yolo = Get(one + "/download?exportType=YOLO");
  ASSERT_EQ(yolo.status, 200) << yolo.body;
  auto files = Unzip(yolo.body);
  EXPECT_EQ(files["labels/cat.txt"], "0 0.25 0.4 0.3 0.4\n1 0.1 0.1 0.5 0.1 0.3 0.4\n");
  EXPECT_EQ(files["labels/empty.txt"], "");

  auto unknown = Get(one + "/download?exportType=NOPE");
  EXPECT_EQ(unknown.status, 400);
  auto bad = Post(base, R"({"task_filter_options":{"only_with_annotations":"yes"}})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("task_filter_options.only_with_annotations"), std::string::npos) << bad.body;
  EXPECT_EQ(Get(one, outsider_token_).status, 404);

  EXPECT_EQ(Delete(one).status, 204);
  EXPECT_EQ(Get(one).status, 404);
  EXPECT_EQ(Get(one + "/download").status, 404);
}

// The start of a PNG file of `width` × `height`: the signature and an IHDR
// chunk (CRC not checked by the export), then filler bytes.
std::string PngHeader(uint32_t width, uint32_t height) {
  std::string out("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
  for (uint32_t value : {width, height}) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((value >> shift) & 0xFF));
  }
  out += std::string("\x08\x00\x00\x00\x00", 5);
  return out + std::string(300, '\x07');
}

TEST_P(LabelingExportTest, ArchivesSkipRepeatedAndOversizedMedia) {
  const int64_t id = CreateProject(kImageConfig, "Shared media");
  auto uploaded = Upload(id, {{"shared.png", PngHeader(64, 48)}}, "?return_task_ids=true");
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
  const int64_t task_id = uploaded.Json().at("task_ids").at(0).as_int64();
  const std::string image = Get("/api/tasks/" + std::to_string(task_id)).Json().at("data").at("image").as_string().c_str();
  const std::string name = image.substr(image.rfind('/') + 1);
  const std::string tasks = bj::serialize(bj::array{bj::object{{"image", image}}, bj::object{{"image", image}}});
  ASSERT_EQ(Import(id, tasks).status, 201);

  // Three tasks show one file: the archive has one entry for it.
  auto shared = Export(id, "?exportType=YOLO&download_all_tasks=true");
  ASSERT_EQ(shared.status, 200) << shared.body;
  const std::vector<std::string> names = ZipEntryNames(shared.body);
  EXPECT_EQ(std::count(names.begin(), names.end(), "images/" + name), 1) << shared.body.size();

  // A file over the limit is left out and logged; the export still succeeds.
  const std::filesystem::path stored =
      std::filesystem::path(server_->data_dir()) / "data" / "upload" / std::to_string(id) / name;
  ASSERT_TRUE(std::filesystem::exists(stored)) << stored;
  std::filesystem::resize_file(stored, 64 * 1024 * 1024 + 1);
  auto oversized = Export(id, "?exportType=YOLO&download_all_tasks=true");
  ASSERT_EQ(oversized.status, 200) << oversized.body.substr(0, 200);
  const std::vector<std::string> left = ZipEntryNames(oversized.body);
  EXPECT_EQ(std::count(left.begin(), left.end(), "images/" + name), 0);
  EXPECT_LT(oversized.body.size(), 1024u * 1024u);
  EXPECT_NE(server_->Log().find("event=export_media_skipped"), std::string::npos);
}

TEST_P(LabelingExportTest, ArchivesCarryUploadedImages) {
  const int64_t id = CreateProject(kImageConfig, "Media");
  const std::string pixels = PngHeader(640, 480);
  auto uploaded = Upload(id, {{"photo.png", pixels}}, "?return_task_ids=true");
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
  const bj::value created = uploaded.Json();
  const int64_t task_id = created.at("task_ids").at(0).as_int64();
  const bj::value task = Get("/api/tasks/" + std::to_string(task_id)).Json();
  const std::string image = task.at("data").at("image").as_string().c_str();
  const std::string name = image.substr(image.rfind('/') + 1);
  auto annotated = Post("/api/tasks/" + std::to_string(task_id) + "/annotations",
                        "{\"result\":[" +
                            Region("m1", "box", "rectanglelabels",
                                   R"({"x":10,"y":20,"width":30,"height":40,"rotation":0,"rectanglelabels":["Cat"]})") +
                            "]}");
  ASSERT_EQ(annotated.status, 201) << annotated.body;

  for (const std::string format : {"YOLO", "VOC"}) {
    auto with_media = Export(id, "?exportType=" + format);
    ASSERT_EQ(with_media.status, 200) << with_media.body;
    auto files = Unzip(with_media.body);
    ASSERT_TRUE(files.count("images/" + name)) << format << " " << image;
    EXPECT_EQ(files["images/" + name], pixels) << format;

    auto without = Export(id, "?exportType=" + format + "&download_resources=false");
    EXPECT_EQ(Unzip(without.body).count("images/" + name), 0u) << format;
  }

  // COCO with media is an archive: the image under images/, and result.json
  // naming it there with the size read from the file.
  auto coco = Export(id, "?exportType=COCO");
  ASSERT_EQ(coco.status, 200) << coco.body;
  EXPECT_EQ(coco.Header("content-type"), "application/zip");
  EXPECT_NE(coco.Header("filename").find(".zip"), std::string::npos) << coco.Header("filename");
  auto files = Unzip(coco.body);
  EXPECT_EQ(files["images/" + name], pixels);
  ASSERT_TRUE(files.count("result.json"));
  const bj::value result = bj::parse(files["result.json"]);
  const bj::value& entry = result.at("images").at(0);
  EXPECT_EQ(entry.at("file_name").as_string(), "images/" + name);
  EXPECT_EQ(entry.at("width"), 640) << "the file's size, not the result's 800";
  EXPECT_EQ(entry.at("height"), 480);
  // Boxes still scale by their own original size, as the converter does.
  EXPECT_EQ(result.at("annotations").at(0).at("bbox"), (bj::array{80.0, 120.0, 240.0, 240.0}));

  auto plain = Export(id, "?exportType=COCO&download_resources=false");
  EXPECT_EQ(plain.Header("content-type"), "application/json");
  EXPECT_EQ(plain.Json().at("images").at(0).at("file_name").as_string(), image);
  EXPECT_EQ(plain.Json().at("images").at(0).at("width"), 800);

  auto with_images = Export(id, "?exportType=COCO_WITH_IMAGES&download_resources=false");
  ASSERT_EQ(with_images.status, 200) << with_images.body;
  EXPECT_EQ(Unzip(with_images.body)["images/" + name], pixels) << "_WITH_IMAGES always carries media";
  auto yolo_images = Export(id, "?exportType=YOLO_WITH_IMAGES&download_resources=false");
  ASSERT_EQ(yolo_images.status, 200) << yolo_images.body;
  files = Unzip(yolo_images.body);
  EXPECT_EQ(files["images/" + name], pixels);
  EXPECT_EQ(files["labels/" + name.substr(0, name.rfind('.')) + ".txt"], "0 0.25 0.4 0.3 0.4\n");
}

// A 7 × 5 RGBA brush mask, encoded by the web editor's encodeRle
// (web/src/features/labeling/lib/rle.ts): alpha 255 on x 2–5, y 1–3, 128
// at (0, 4), 0 elsewhere.
constexpr const char* kWebBrushRle =
    "[0,0,0,140,57,27,254,35,0,3,254,16,8,127,225,0,135,254,16,8,127,225,0,3,254,216,0,31,240,128,67,255,8,4,63,"
    "240,128,67,255,8,0,31,246,192,0,255,132,2,31,248,64,33,255,132,2,31,248,64,0,255,140,0,15,248,64,0,128,194,224,0]";

uint8_t WebBrushAlpha(int x, int y) {
  if (x >= 2 && x <= 5 && y >= 1 && y <= 3) return 255;
  if (x == 0 && y == 4) return 128;
  return 0;
}

TEST_P(LabelingExportTest, BrushMasksRoundTrip) {
  const int64_t id = CreateProject(
      R"(<View><Image name="image" value="$image"/><BrushLabels name="tag" toName="image">)"
      R"(<Label value="Кот"/><Label value="Dog"/></BrushLabels></View>)",
      "Brush");
  const std::string region = std::string(R"({"id":"m1","from_name":"tag","to_name":"image","type":"brushlabels",)") +
                             R"("original_width":7,"original_height":5,"value":{"format":"rle","rle":)" +
                             kWebBrushRle + R"(,"brushlabels":["Кот"]}})";
  auto imported = Import(id, std::string(R"([{"data":{"image":"/data/upload/9/mask.png"},"annotations":[)") +
                                 R"({"completed_by":{"email":"owner@example.com"},"result":[)" + region + "]}]}]",
                         "?return_task_ids=true");
  ASSERT_EQ(imported.status, 201) << imported.body;
  const int64_t task_id = imported.Json().at("task_ids").at(0).as_int64();
  const bj::value task = Get("/api/tasks/" + std::to_string(task_id)).Json();
  const int64_t annotation_id = task.at("annotations").at(0).at("id").as_int64();
  const std::string stem =
      fmt::format("task-{}-annotation-{}-by-owner@example.com-tag-Кот-0", task_id, annotation_id);

  auto png = Export(id, "?exportType=BRUSH_TO_PNG");
  ASSERT_EQ(png.status, 200) << png.body;
  EXPECT_EQ(png.Header("content-type"), "application/zip");
  auto files = Unzip(png.body);
  ASSERT_EQ(files.count(stem + ".png"), 1u) << (files.empty() ? "no files" : files.begin()->first);
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  // A copy: `files` is reassigned below, and the CLI check compares against it.
  const std::string file = files[stem + ".png"];
  ASSERT_TRUE(png_image_begin_read_from_memory(&image, file.data(), file.size())) << image.message;
  EXPECT_EQ(image.width, 7u);
  EXPECT_EQ(image.height, 5u);
  EXPECT_EQ(image.format & PNG_FORMAT_FLAG_COLOR, 0u) << "a one-channel grayscale PNG";
  image.format = PNG_FORMAT_GRAY;
  std::vector<uint8_t> pixels(PNG_IMAGE_SIZE(image));
  ASSERT_TRUE(png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr)) << image.message;
  for (int y = 0; y < 5; ++y) {
    for (int x = 0; x < 7; ++x) EXPECT_EQ(pixels[y * 7 + x], WebBrushAlpha(x, y)) << x << "," << y;
  }

  auto npy = Export(id, "?exportType=BRUSH_TO_NUMPY");
  ASSERT_EQ(npy.status, 200) << npy.body;
  files = Unzip(npy.body);
  ASSERT_EQ(files.count(stem + ".npy"), 1u);
  const std::string& array = files[stem + ".npy"];
  ASSERT_EQ(array.size(), 128u + 35u);
  EXPECT_EQ(array.substr(10, 59), "{'descr': '|u1', 'fortran_order': False, 'shape': (5, 7), }");
  for (int y = 0; y < 5; ++y) {
    for (int x = 0; x < 7; ++x) {
      EXPECT_EQ(static_cast<uint8_t>(array[128 + y * 7 + x]), WebBrushAlpha(x, y)) << x << "," << y;
    }
  }

  // The CLI writes the same archive.
  const std::string out = ::testing::TempDir() + "/cli-brush-" + GetParam() + ".zip";
  const auto exported = testing::RunTally({"export", "--database-url", database_->url(), "--project",
                                           std::to_string(id), "--format", "BRUSH_TO_PNG", "--out", out});
  ASSERT_EQ(exported.exit_code, 0) << exported.error;
  std::ifstream in(out, std::ios::binary);
  std::stringstream archive;
  archive << in.rdbuf();
  EXPECT_EQ(Unzip(archive.str())[stem + ".png"], file);
  std::remove(out.c_str());

  auto formats = Get("/api/projects/" + std::to_string(id) + "/export/formats").Json();
  for (const auto& format : formats.as_array()) {
    const std::string name = format.at("name").as_string().c_str();
    if (name == "BRUSH_TO_PNG" || name == "BRUSH_TO_NUMPY") {
      EXPECT_FALSE(format.as_object().contains("disabled")) << name;
    }
    if (name == "COCO" || name == "ASR_MANIFEST") {
      EXPECT_TRUE(format.as_object().contains("disabled")) << name;
    }
  }
}

// A PCM WAV file: 16 kHz, mono, 16-bit, `frames` frames of silence.
std::string Wav(uint32_t frames) {
  const auto le = [](std::string& out, uint32_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
  };
  std::string out = "RIFF";
  le(out, 36 + frames * 2, 4);
  out += "WAVEfmt ";
  for (auto [value, bytes] : std::vector<std::pair<uint32_t, int>>{{16, 4}, {1, 2}, {1, 2}, {16000, 4},
                                                                   {32000, 4}, {2, 2}, {16, 2}}) {
    le(out, value, bytes);
  }
  out += "data";
  le(out, frames * 2, 4);
  return out + std::string(frames * 2, '\0');
}

TEST_P(LabelingExportTest, AsrManifestListsTranscripts) {
  const int64_t id = CreateProject(
      R"(<View><Audio name="audio" value="$audio"/><TextArea name="transcription" toName="audio"/></View>)", "Speech");
  const std::string wav = Wav(24000);
  auto uploaded = Upload(id, {{"hello.wav", wav}}, "?return_task_ids=true");
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
  const int64_t task_id = uploaded.Json().at("task_ids").at(0).as_int64();
  const std::string audio = Get("/api/tasks/" + std::to_string(task_id)).Json().at("data").at("audio").as_string().c_str();
  const std::string name = audio.substr(audio.rfind('/') + 1);
  auto annotated = Post("/api/tasks/" + std::to_string(task_id) + "/annotations",
                        R"({"result":[{"id":"t1","from_name":"transcription","to_name":"audio","type":"textarea",)"
                        R"("value":{"text":["Привет, мир"]}}]})");
  ASSERT_EQ(annotated.status, 201) << annotated.body;

  auto response = Export(id, "?exportType=ASR_MANIFEST");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.Header("content-type"), "application/zip");
  auto files = Unzip(response.body);
  EXPECT_EQ(files["audio/" + name], wav);
  EXPECT_EQ(files["manifest.json"], "{\"audio_filepath\": \"audio/" + name +
                                        "\", \"duration\": 1.5, \"text\": "
                                        "\"\\u041f\\u0440\\u0438\\u0432\\u0435\\u0442, \\u043c\\u0438\\u0440\", "
                                        "\"annotator\": \"owner@example.com\"}\n");

  auto without = Export(id, "?exportType=ASR_MANIFEST&download_resources=false");
  files = Unzip(without.body);
  EXPECT_EQ(files.count("audio/" + name), 0u);
  const bj::value line = bj::parse(files["manifest.json"]);
  EXPECT_EQ(line.at("audio_filepath").as_string(), audio) << "a recording not in the archive keeps its reference";
  EXPECT_TRUE(line.at("duration").is_null());
}

TEST_P(LabelingExportTest, SnapshotOfViewKeepsItsTasks) {
  const ImageProject project = Seed();
  const std::string filters = R"({"conjunction":"and","items":[{"filter":"filter:tasks:total_annotations",)"
                              R"("operator":"greater_or_equal","type":"Number","value":2}]})";
  auto view = Post("/api/dm/views", R"({"project":)" + std::to_string(project.id) +
                                        R"(,"data":{"title":"Twice","filters":)" + filters + "}}");
  ASSERT_EQ(view.status, 201) << view.body;
  const int64_t view_id = view.Json().at("id").as_int64();
  const std::string base = "/api/projects/" + std::to_string(project.id) + "/exports";
  auto created = Post(base, R"({"task_filter_options":{"view":)" + std::to_string(view_id) + "}}");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string one = base + "/" + std::to_string(created.Json().at("id").as_int64());

  // Editing the view afterwards does not change the snapshot.
  auto edited = Patch("/api/dm/views/" + std::to_string(view_id),
                      R"({"project":)" + std::to_string(project.id) + R"(,"data":{"title":"All","filters":null}})");
  EXPECT_EQ(edited.status, 200) << edited.body;

  const bj::value status = WaitForSnapshot(one);
  ASSERT_EQ(status.at("status"), "completed") << bj::serialize(status);
  const bj::value tasks = Get(one + "/download").Json();
  ASSERT_EQ(tasks.as_array().size(), 1u) << "only task 1 has two annotations";
  EXPECT_EQ(tasks.at(0).at("id"), project.task_ids[0]);
  EXPECT_EQ(status.at("counters").at("task_number"), 1);

  auto foreign = Post(base, R"({"task_filter_options":{"view":)" + std::to_string(view_id) + "}}", annotator_token_);
  EXPECT_EQ(foreign.status, 400) << foreign.body;
  EXPECT_NE(foreign.body.find("task_filter_options.view"), std::string::npos) << foreign.body;
  auto bad = Post(base, R"({"task_filter_options":{"view":"Twice"}})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("task_filter_options.view"), std::string::npos) << bad.body;
}

TEST_P(LabelingExportTest, SnapshotFiltersTasksByState) {
  const ImageProject project = Seed();
  ASSERT_EQ(project.task_ids.size(), 5u);
  // With skipped annotations counting as done, task 3 (cancelled only) is
  // finished without being annotated, so the two filters select apart.
  auto patched = Patch("/api/projects/" + std::to_string(project.id), R"({"skip_queue":"IGNORE_SKIPPED"})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  const std::string base = "/api/projects/" + std::to_string(project.id) + "/exports";
  const auto& ids = project.task_ids;
  // The ids of the tasks a snapshot with these task_filter_options holds.
  const auto snapshot_task_ids = [&](const std::string& options) {
    std::vector<int64_t> found;
    auto created = Post(base, R"({"task_filter_options":)" + options + "}");
    EXPECT_EQ(created.status, 201) << options << ": " << created.body;
    if (created.status != 201) return found;
    const std::string one = base + "/" + std::to_string(created.Json().at("id").as_int64());
    const bj::value status = WaitForSnapshot(one);
    EXPECT_EQ(status.at("status"), "completed") << options << ": " << bj::serialize(status);
    const bj::value downloaded = Get(one + "/download").Json();
    for (const auto& task : downloaded.as_array()) found.push_back(task.at("id").as_int64());
    EXPECT_EQ(status.at("counters").at("task_number"), static_cast<int64_t>(found.size())) << options;
    return found;
  };

  const std::vector<std::pair<std::string, std::vector<int64_t>>> cases = {
      {R"({"skipped":"only"})", {ids[2]}},
      {R"({"skipped":"exclude"})", {ids[0], ids[1], ids[3], ids[4]}},
      {R"({"finished":"only"})", {ids[0], ids[1], ids[2], ids[4]}},
      {R"({"finished":"exclude"})", {ids[3]}},
      {R"({"annotated":"only"})", {ids[0], ids[1], ids[4]}},
      {R"({"annotated":"exclude"})", {ids[2], ids[3]}},
      {R"({"skipped":null,"finished":null,"annotated":null})", ids},
      {R"({"finished":"only","annotated":"exclude"})", {ids[2]}},
      {R"({"skipped":"exclude","only_with_annotations":true})", {ids[0], ids[1], ids[4]}},
  };
  for (const auto& [options, expected] : cases) EXPECT_EQ(snapshot_task_ids(options), expected) << options;

  for (const std::string key : {"skipped", "finished", "annotated"}) {
    for (const std::string value : {R"("include")", "true", R"(["only"])"}) {
      auto bad = Post(base, R"({"task_filter_options":{")" + key + R"(":)" + value + "}}");
      EXPECT_EQ(bad.status, 400) << key << "=" << value << ": " << bad.body;
      EXPECT_NE(bad.body.find("task_filter_options." + key), std::string::npos) << bad.body;
    }
  }
}

// A server with local files enabled under a fresh root.
class LocalFilesExportTest : public LabelingExportTest {
 protected:
  void SetUp() override {
    const std::string suffix = std::to_string(::getpid()) + "-" + GetParam();
    local_root_ = std::filesystem::temp_directory_path() / ("tally-export-local-" + suffix);
    outside_ = std::filesystem::temp_directory_path() / ("tally-export-outside-" + suffix + ".png");
    std::filesystem::remove_all(local_root_);
    std::filesystem::create_directories(local_root_ / "photos" / "sub dir");
    std::filesystem::create_directories(local_root_ / "private");
    StartServer({{"TALLY_LOCAL_FILES_ROOT", local_root_.string()}});
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(local_root_, ec);
    std::filesystem::remove(outside_, ec);
  }

  std::filesystem::path local_root_;
  std::filesystem::path outside_;
};

TEST_P(LocalFilesExportTest, ArchivesCarryLocalFilesOfTheProjectStorage) {
  const std::string pixels = PngHeader(320, 240);
  const std::string secret = PngHeader(11, 11);
  std::ofstream(local_root_ / "photos" / "sub dir" / "a b.png", std::ios::binary) << pixels;
  std::ofstream(local_root_ / "private" / "secret.png", std::ios::binary) << secret;
  std::ofstream(outside_, std::ios::binary) << secret;
  // Inside the storage's folder, but pointing at a file outside it.
  std::filesystem::create_symlink(local_root_ / "private" / "secret.png", local_root_ / "photos" / "link.png");

  const int64_t id = CreateProject(kImageConfig, "Local files");
  auto storage = Post("/api/storages/localfiles",
                      bj::serialize(bj::object{{"project", id}, {"path", (local_root_ / "photos").string()}}));
  ASSERT_EQ(storage.status, 201) << storage.body;

  const auto task = [](const std::string& reference) {
    return R"({"data":{"image":")" + reference + R"("},"annotations":[{"result":[)" +
           Region("b", "box", "rectanglelabels",
                  R"({"x":10,"y":20,"width":30,"height":40,"rotation":0,"rectanglelabels":["Cat"]})") +
           "]}]}";
  };
  const std::string escape = "/data/local-files/?d=../" + outside_.filename().string();
  auto imported = Import(id, "[" + task("/data/local-files/?d=photos/sub%20dir/a%20b.png") + "," +
                                 task("/data/local-files/?d=private/secret.png") + "," +
                                 task("/data/local-files/?d=photos/link.png") + "," + task(escape) + "]");
  ASSERT_EQ(imported.status, 201) << imported.body;

  for (const std::string format : {"YOLO", "VOC", "COCO"}) {
    auto exported = Export(id, "?exportType=" + format);
    ASSERT_EQ(exported.status, 200) << format << ": " << exported.body;
    auto files = Unzip(exported.body);
    EXPECT_EQ(files["images/a b.png"], pixels) << format << ": the percent-decoded path's file";
    EXPECT_EQ(files.count("images/secret.png"), 0u) << format << ": under the root but in no storage of the project";
    EXPECT_EQ(files.count("images/link.png"), 0u) << format << ": a symlink out of the storage";
    EXPECT_EQ(files.count("images/" + outside_.filename().string()), 0u) << format << ": outside the root";
    if (format == "YOLO") {
      EXPECT_EQ(files["labels/a b.txt"], "0 0.25 0.4 0.3 0.4\n") << "the label file is named like the image";
    }
    if (format == "COCO") {
      const bj::value result = bj::parse(files["result.json"]);
      const bj::value& image = result.at("images").at(0);
      EXPECT_EQ(image.at("file_name").as_string(), "images/a b.png");
      EXPECT_EQ(image.at("width"), 320) << "the size read from the local file";
      EXPECT_EQ(result.at("images").at(1).at("file_name").as_string(), "/data/local-files/?d=private/secret.png")
          << "a file left out keeps its reference";
    }
  }

  auto without = Export(id, "?exportType=YOLO&download_resources=false");
  ASSERT_EQ(without.status, 200) << without.body;
  EXPECT_EQ(Unzip(without.body).count("images/a b.png"), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, LocalFilesExportTest, ::testing::ValuesIn(store::testing::Backends()));

INSTANTIATE_TEST_SUITE_P(Backends, LabelingExportTest, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally
