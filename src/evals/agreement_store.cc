#include "evals/agreement_store.h"

#include <fmt/format.h>

#include <functional>
#include <map>
#include <set>

#include "core/json.h"
#include "evals/agreement.h"

namespace tally::evals {

namespace bj = boost::json;
using store::Row;

namespace {

struct ControlValue {
  std::string type;
  std::set<std::string> choices;
  std::vector<TextSpan> spans;
  std::vector<Box> boxes;
};

struct ParsedAnnotation {
  int64_t id = 0;
  int64_t rater = 0;  // the user id, or -id for an annotation without a user
  std::optional<int64_t> user;
  bool ground_truth = false;
  std::optional<double> lead_time;
  std::map<std::string, ControlValue> controls;
};

double Number(const bj::object& value, std::string_view key) {
  const bj::value* found = value.if_contains(key);
  if (!found || !found->is_number()) return 0;
  return found->to_number<double>();
}

std::vector<std::string> Strings(const bj::object& value, std::string_view key) {
  std::vector<std::string> out;
  const bj::value* found = value.if_contains(key);
  if (!found || !found->is_array()) return out;
  for (const auto& item : found->as_array()) {
    if (item.is_string()) out.emplace_back(item.as_string());
  }
  return out;
}

// Reads one result region into its control; returns false for a type
// agreement does not cover.
bool AddRegion(ControlValue& control, const std::string& type, const bj::object& value) {
  if (type == "choices") {
    for (auto& choice : Strings(value, "choices")) control.choices.insert(std::move(choice));
    return true;
  }
  if (type == "labels") {
    for (auto& label : Strings(value, "labels")) {
      control.spans.push_back({static_cast<int64_t>(Number(value, "start")), static_cast<int64_t>(Number(value, "end")),
                               std::move(label)});
    }
    return true;
  }
  if (type == "rectanglelabels") {
    const auto labels = Strings(value, "rectanglelabels");
    control.boxes.push_back({Number(value, "x"), Number(value, "y"), Number(value, "width"), Number(value, "height"),
                             labels.empty() ? std::string() : labels.front()});
    return true;
  }
  return false;
}

ParsedAnnotation ParseAnnotation(const Row& row, int64_t& skipped_results) {
  ParsedAnnotation annotation;
  annotation.id = row.Int(0);
  annotation.user = row.OptionalInt(2);
  annotation.rater = annotation.user ? *annotation.user : -annotation.id;
  annotation.ground_truth = row.Bool(3);
  annotation.lead_time = row.OptionalDouble(4);
  boost::system::error_code ec;
  const bj::value result = bj::parse(row.Text(5, "[]"), ec);
  if (ec || !result.is_array()) return annotation;
  for (const auto& item : result.as_array()) {
    if (!item.is_object()) continue;
    const bj::object& region = item.as_object();
    const bj::value* from_name = region.if_contains("from_name");
    const bj::value* type = region.if_contains("type");
    const bj::value* value = region.if_contains("value");
    if (!from_name || !from_name->is_string() || !type || !type->is_string() || !value || !value->is_object()) {
      ++skipped_results;
      continue;
    }
    const std::string type_name(type->as_string());
    ControlValue& control = annotation.controls[std::string(from_name->as_string())];
    control.type = type_name;
    if (!AddRegion(control, type_name, value->as_object())) ++skipped_results;
  }
  return annotation;
}

// The agreement of two annotations of a task on one control.
std::optional<double> ControlScore(const ControlValue* a, const ControlValue* b) {
  static const ControlValue kEmpty;
  const ControlValue& left = a ? *a : kEmpty;
  const ControlValue& right = b ? *b : kEmpty;
  const std::string& type = a ? a->type : b->type;
  if (type == "choices") return left.choices == right.choices ? 1.0 : 0.0;
  if (type == "labels") return SpanF1(left.spans, right.spans);
  if (type == "rectanglelabels") return MatchBoxes(left.boxes, right.boxes).f1;
  return std::nullopt;
}

// The pair score: the mean control score over the controls either used.
std::optional<double> PairScore(const ParsedAnnotation& a, const ParsedAnnotation& b) {
  std::set<std::string> names;
  for (const auto& [name, control] : a.controls) names.insert(name);
  for (const auto& [name, control] : b.controls) names.insert(name);
  double sum = 0;
  int count = 0;
  for (const auto& name : names) {
    auto left = a.controls.find(name);
    auto right = b.controls.find(name);
    auto score = ControlScore(left == a.controls.end() ? nullptr : &left->second,
                              right == b.controls.end() ? nullptr : &right->second);
    if (!score) continue;
    sum += *score;
    ++count;
  }
  if (count == 0) return std::nullopt;
  return sum / count;
}

// Calls `visit` with the annotations of each task in task id order, reading
// one task at a time.
Result<int64_t> ForEachTask(store::Connection& connection, int64_t project_id,
                            const std::function<void(int64_t, std::vector<ParsedAnnotation>&)>& visit) {
  int64_t skipped_results = 0;
  int64_t current_task = -1;
  std::vector<ParsedAnnotation> annotations;
  TALLY_TRY(connection.ForEach(
      "SELECT id, task_id, completed_by, ground_truth, lead_time, result FROM annotations "
      "WHERE project_id = ? AND was_cancelled = 0 ORDER BY task_id, id",
      {project_id}, [&](const Row& row) {
        const int64_t task_id = row.Int(1);
        if (task_id != current_task && !annotations.empty()) {
          visit(current_task, annotations);
          annotations.clear();
        }
        current_task = task_id;
        annotations.push_back(ParseAnnotation(row, skipped_results));
        return true;
      }));
  if (!annotations.empty()) visit(current_task, annotations);
  return skipped_results;
}

bj::value OptionalNumber(std::optional<double> value) {
  if (!value) return nullptr;
  return *value;
}

struct Mean {
  double sum = 0;
  int64_t count = 0;
  void Add(double value) {
    sum += value;
    ++count;
  }
  std::optional<double> Value() const {
    if (count == 0) return std::nullopt;
    return sum / static_cast<double>(count);
  }
};

// Project-wide accumulators of one control.
struct ControlTotals {
  std::string type;
  int64_t tasks = 0;
  // choices
  std::map<std::string, int> categories;
  std::vector<std::map<int, int>> task_counts;
  std::vector<std::vector<std::optional<std::string>>> units;
  std::map<std::pair<int64_t, int64_t>, std::pair<std::vector<std::string>, std::vector<std::string>>> rater_pairs;
  // every type
  Mean pair_score;
  Mean mean_iou;
};

std::string CategoryOf(const ControlValue& control) {
  std::string category;
  for (const auto& choice : control.choices) {
    if (!category.empty()) category += '\x1f';
    category += choice;
  }
  return category;
}

void AddChoices(ControlTotals& totals, const std::string& name, const std::vector<ParsedAnnotation>& annotations) {
  std::map<int, int> counts;
  std::vector<std::optional<std::string>> unit;
  std::vector<std::pair<int64_t, std::string>> rated;
  for (const auto& annotation : annotations) {
    auto found = annotation.controls.find(name);
    if (found == annotation.controls.end()) continue;
    const std::string category = CategoryOf(found->second);
    auto [position, inserted] = totals.categories.emplace(category, static_cast<int>(totals.categories.size()));
    counts[position->second] += 1;
    unit.emplace_back(category);
    rated.emplace_back(annotation.rater, category);
  }
  totals.task_counts.push_back(std::move(counts));
  totals.units.push_back(std::move(unit));
  for (size_t i = 0; i < rated.size(); ++i) {
    for (size_t j = i + 1; j < rated.size(); ++j) {
      if (rated[i].first == rated[j].first) continue;
      const bool ordered = rated[i].first < rated[j].first;
      const auto& low = ordered ? rated[i] : rated[j];
      const auto& high = ordered ? rated[j] : rated[i];
      auto& [first, second] = totals.rater_pairs[{low.first, high.first}];
      first.push_back(low.second);
      second.push_back(high.second);
    }
  }
}

bj::object ControlSummary(const std::string& name, const ControlTotals& totals) {
  bj::object out;
  out["from_name"] = name;
  out["type"] = totals.type;
  out["tasks"] = totals.tasks;
  out["mean_pair_agreement"] = OptionalNumber(totals.pair_score.Value());
  if (totals.type == "choices") {
    std::vector<std::vector<int>> table;
    for (const auto& counts : totals.task_counts) {
      std::vector<int> row(totals.categories.size(), 0);
      for (const auto& [category, count] : counts) row[category] = count;
      table.push_back(std::move(row));
    }
    out["fleiss_kappa"] = OptionalNumber(FleissKappa(table));
    out["krippendorff_alpha"] = OptionalNumber(KrippendorffAlphaNominal(totals.units));
    Mean cohen;
    for (const auto& [raters, labels] : totals.rater_pairs) {
      if (auto kappa = CohenKappa(labels.first, labels.second)) cohen.Add(*kappa);
    }
    out["cohen_kappa"] = OptionalNumber(cohen.Value());
    out["annotator_pairs"] = static_cast<int64_t>(totals.rater_pairs.size());
  } else if (totals.type == "labels") {
    out["span_f1"] = OptionalNumber(totals.pair_score.Value());
  } else if (totals.type == "rectanglelabels") {
    out["box_f1"] = OptionalNumber(totals.pair_score.Value());
    out["mean_iou"] = OptionalNumber(totals.mean_iou.Value());
  }
  return out;
}

}  // namespace

Result<bj::object> LoadProjectAgreement(store::Connection& connection, int64_t project_id, int64_t page,
                                        int64_t page_size) {
  std::map<std::string, ControlTotals> controls;
  bj::array task_rows;
  Mean project_mean;
  int64_t overlapping = 0;
  const int64_t first = (page - 1) * page_size;

  TALLY_ASSIGN_OR_RETURN(skipped, ForEachTask(connection, project_id, [&](int64_t task_id,
                                                                           std::vector<ParsedAnnotation>& annotations) {
    if (annotations.size() < 2) return;
    Mean task_mean;
    for (size_t i = 0; i < annotations.size(); ++i) {
      for (size_t j = i + 1; j < annotations.size(); ++j) {
        if (auto score = PairScore(annotations[i], annotations[j])) task_mean.Add(*score);
      }
    }

    std::set<std::string> names;
    for (const auto& annotation : annotations) {
      for (const auto& [name, control] : annotation.controls) {
        if (controls[name].type.empty()) controls[name].type = control.type;
        names.insert(name);
      }
    }
    for (const auto& name : names) {
      ControlTotals& totals = controls[name];
      if (totals.type != "choices" && totals.type != "labels" && totals.type != "rectanglelabels") continue;
      totals.tasks += 1;
      if (totals.type == "choices") AddChoices(totals, name, annotations);
      for (size_t i = 0; i < annotations.size(); ++i) {
        for (size_t j = i + 1; j < annotations.size(); ++j) {
          auto left = annotations[i].controls.find(name);
          auto right = annotations[j].controls.find(name);
          const ControlValue* a = left == annotations[i].controls.end() ? nullptr : &left->second;
          const ControlValue* b = right == annotations[j].controls.end() ? nullptr : &right->second;
          if (auto score = ControlScore(a, b)) totals.pair_score.Add(*score);
          if (totals.type == "rectanglelabels" && a && b) {
            const BoxMatch match = MatchBoxes(a->boxes, b->boxes);
            if (match.matched > 0) totals.mean_iou.Add(match.mean_iou);
          }
        }
      }
    }

    if (auto value = task_mean.Value()) project_mean.Add(*value);
    if (overlapping >= first && overlapping < first + page_size) {
      bj::object row;
      row["task"] = task_id;
      row["annotations"] = static_cast<int64_t>(annotations.size());
      row["agreement"] = OptionalNumber(task_mean.Value());
      task_rows.push_back(std::move(row));
    }
    ++overlapping;
  }));

  bj::array control_rows;
  for (const auto& [name, totals] : controls) {
    if (totals.tasks > 0) control_rows.push_back(ControlSummary(name, totals));
  }
  bj::object body;
  body["project"] = project_id;
  body["tasks_with_overlap"] = overlapping;
  body["agreement"] = OptionalNumber(project_mean.Value());
  body["controls"] = std::move(control_rows);
  body["skipped_results"] = skipped;
  body["page"] = page;
  body["page_size"] = page_size;
  body["tasks"] = std::move(task_rows);
  return body;
}

Result<bj::array> LoadAnnotatorStats(store::Connection& connection, int64_t project_id) {
  struct Stats {
    std::set<int64_t> tasks;
    int64_t annotations = 0;
    Mean lead_time;
    Mean with_others;
    Mean with_ground_truth;
  };
  std::map<int64_t, Stats> by_user;

  TALLY_TRY(ForEachTask(connection, project_id, [&](int64_t task_id, std::vector<ParsedAnnotation>& annotations) {
    for (const auto& annotation : annotations) {
      if (!annotation.user) continue;
      Stats& stats = by_user[*annotation.user];
      stats.tasks.insert(task_id);
      stats.annotations += 1;
      if (annotation.lead_time) stats.lead_time.Add(*annotation.lead_time);
    }
    for (size_t i = 0; i < annotations.size(); ++i) {
      for (size_t j = 0; j < annotations.size(); ++j) {
        const ParsedAnnotation& self = annotations[i];
        const ParsedAnnotation& other = annotations[j];
        if (i == j || !self.user || self.rater == other.rater) continue;
        auto score = PairScore(self, other);
        if (!score) continue;
        by_user[*self.user].with_others.Add(*score);
        if (other.ground_truth) by_user[*self.user].with_ground_truth.Add(*score);
      }
    }
  }));

  // Emails for the ids, one query.
  std::map<int64_t, std::string> emails;
  TALLY_TRY(connection.ForEach(
      "SELECT DISTINCT u.id, u.email FROM users u JOIN annotations a ON a.completed_by = u.id WHERE a.project_id = ?",
      {project_id}, [&](const Row& row) {
        emails[row.Int(0)] = row.Text(1);
        return true;
      }));

  bj::array out;
  for (const auto& [user, stats] : by_user) {
    bj::object row;
    row["user"] = user;
    row["email"] = emails.count(user) ? bj::value(emails[user]) : bj::value(nullptr);
    row["tasks"] = static_cast<int64_t>(stats.tasks.size());
    row["annotations"] = stats.annotations;
    row["mean_lead_time"] = OptionalNumber(stats.lead_time.Value());
    row["agreement_with_others"] = OptionalNumber(stats.with_others.Value());
    row["agreement_with_ground_truth"] = OptionalNumber(stats.with_ground_truth.Value());
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace tally::evals
