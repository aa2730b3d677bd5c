// ASR_MANIFEST: manifest.json in JSON Lines (NVIDIA NeMo's manifest form)
// and the recordings under audio/.
//
// Rules (Label Studio's converter): one line per record,
// {"audio_filepath", "duration", "text", "annotator"} as Python's
// json.dump writes it (", " and ": " separators, non-ASCII escaped). The
// text is the first text of the first from_name whose first value has a
// "text" list. The annotator is the email or id, or "" without one.
//
// Differences, each where the converter would fail or drop the record:
// a record without any text is skipped (the converter raises); audio that
// is not in the archive (download_resources off, or media on another host)
// keeps its reference as audio_filepath with "duration": null, and so does
// audio whose length cannot be read (only WAV is measured), where the
// converter drops the record.
//
// Streaming: recordings are archived as their tasks arrive and the lines
// go to a temporary file, copied into manifest.json at the end, because
// archive entries cannot interleave.
#include <cstdio>

#include "labeling/export/image_common.h"
#include "labeling/export/media_probe.h"
#include "labeling/export/python_text.h"
#include "labeling/export/writer.h"

namespace tally::labeling::exporting {

namespace bj = boost::json;

namespace {

// The transcript of a record, or nullopt when no value carries a text.
std::optional<std::string> Transcript(const AnnotationRecord& record) {
  for (const auto& member : record.output) {
    const bj::array& values = member.value().get_array();
    if (values.empty()) continue;
    const bj::value* text = values.front().get_object().if_contains("text");
    if (!text) continue;
    if (text->is_array() && !text->get_array().empty() && text->get_array().front().is_string()) {
      return std::string(text->get_array().front().get_string());
    }
    if (text->is_string()) return std::string(text->get_string());
    return std::nullopt;
  }
  return std::nullopt;
}

class AsrManifestWriter : public FormatWriter {
 public:
  AsrManifestWriter(const ExportSchema& schema, const WriterOptions& options) : schema_(schema), options_(options) {
    const std::vector<std::string> keys = schema.DataKeys();
    data_key_ = keys.empty() ? "audio" : keys.front();
  }

  ~AsrManifestWriter() override {
    if (spool_) std::fclose(spool_);
  }

  Result<void> BeginPass(int, ExportSink&) override {
    spool_ = std::tmpfile();
    if (!spool_) return Error::Internal("cannot create a temporary file for the ASR manifest");
    return Ok();
  }

  Result<void> AddTask(int, const bj::object& task, ExportSink& sink) override {
    std::string lines;
    // Archived path and duration of this task's recording, read once.
    std::optional<std::pair<std::string, std::optional<double>>> archived;
    for (const AnnotationRecord& record : RecordsOfTask(task, schema_)) {
      const std::optional<std::string> text = Transcript(record);
      const std::string reference = ImageReference(record, data_key_);
      if (!text || reference.empty()) continue;
      if (!archived) {
        TALLY_ASSIGN_OR_RETURN(stored, ArchiveAudio(reference, sink));
        archived = std::move(stored);
      }
      lines += "{\"audio_filepath\": ";
      AppendPythonJsonString(lines, archived->first);
      lines += ", \"duration\": ";
      if (archived->second) {
        AppendPythonFloat(lines, *archived->second);
      } else {
        lines += "null";
      }
      lines += ", \"text\": ";
      AppendPythonJsonString(lines, *text);
      lines += ", \"annotator\": ";
      const bj::value annotator = Annotator(record, bj::string(""));
      AppendPythonJsonString(lines, annotator.is_string() ? std::string(annotator.get_string())
                                                          : bj::serialize(annotator));
      lines += "}\n";
    }
    if (std::fwrite(lines.data(), 1, lines.size(), spool_) != lines.size()) {
      return Error::Internal("cannot write the ASR manifest spool");
    }
    return Ok();
  }

  // Copies the spooled lines into manifest.json, 1 MiB per call.
  Result<bool> Finish(ExportSink& sink) override {
    if (!finishing_) {
      finishing_ = true;
      std::rewind(spool_);
      TALLY_TRY(sink.BeginFile("manifest.json"));
    }
    std::string piece(1 << 20, '\0');
    const size_t read = std::fread(piece.data(), 1, piece.size(), spool_);
    if (std::ferror(spool_)) return Error::Internal("cannot read the ASR manifest spool");
    TALLY_TRY(sink.Write({piece.data(), read}));
    if (read == piece.size()) return false;
    TALLY_TRY(sink.EndFile());
    return true;
  }

 private:
  // Puts the recording under audio/ when the media reader has it; returns
  // the manifest path and the duration when known.
  Result<std::pair<std::string, std::optional<double>>> ArchiveAudio(const std::string& reference, ExportSink& sink) {
    const std::optional<std::string> content = options_.read_media ? options_.read_media(reference) : std::nullopt;
    if (!content) return std::pair<std::string, std::optional<double>>{reference, std::nullopt};
    const std::string path = "audio/" + MediaFileName(reference);
    TALLY_TRY(sink.BeginFile(path));
    TALLY_TRY(sink.Write(*content));
    TALLY_TRY(sink.EndFile());
    return std::pair<std::string, std::optional<double>>{path, ProbeWavDuration(*content)};
  }

  const ExportSchema& schema_;
  const WriterOptions options_;
  std::string data_key_;
  std::FILE* spool_ = nullptr;
  bool finishing_ = false;
};

}  // namespace

std::unique_ptr<FormatWriter> MakeAsrManifestWriter(const ExportSchema& schema, const WriterOptions& options) {
  return std::make_unique<AsrManifestWriter>(schema, options);
}

}  // namespace tally::labeling::exporting
