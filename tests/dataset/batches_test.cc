// Reading a suite's items back a batch at a time: ReadItemBatches from the
// start, and ReadItemsAt from an item's place (what a shared-database worker
// reads for the batch it claimed), streamed or loaded whole.
#include <gmock/gmock.h>

#include <fstream>
#include <string>
#include <vector>

#include "fixture.h"

namespace mmgate::dataset {
namespace {

using ::testing::HasSubstr;

std::string Line(const std::string& id) {
  return R"({"id": ")" + id +
         R"(", "modality": "text", "prompt": "p", "reference": "r"})";
}

class BatchesTest : public DatasetTest {
 protected:
  // Ten valid items q0..q9 among a malformed line, a blank line, a
  // repeated id (invalid wherever it is read from) and a CRLF line.
  Result<Suite> Load(bool stream) {
    std::vector<std::string> lines;
    for (int i = 0; i < 10; ++i) {
      lines.push_back(Line("q" + std::to_string(i)));
      if (i == 2) lines.push_back("{not json");
      if (i == 4) lines.push_back("");
      if (i == 6) lines.push_back(Line("q1"));
      if (i == 7) lines.back() += "\r";
    }
    opt_.stream_items = stream;
    return LoadSuite(WriteSuite("s", "text", lines), opt_);
  }
};

TEST_F(BatchesTest, EveryBatchReadsBackFromItsPlaceAlone) {
  for (bool stream : {true, false}) {
    SCOPED_TRACE(stream ? "streamed" : "loaded whole");
    auto suite = Load(stream);
    ASSERT_TRUE(suite.ok()) << suite.status().message();
    ASSERT_EQ(suite->streamed, stream);
    ASSERT_EQ(suite->item_count, 10);
    ASSERT_EQ(suite->problems.size(), 2u) << "malformed line and repeated id";
    // The places of every third item, as a worker records them.
    std::vector<ItemPlace> places;
    std::vector<std::vector<std::string>> want;
    int64_t index = 0;
    ASSERT_TRUE(ReadItemBatches(*suite, 4, [&](std::vector<Item>& batch) {
                  for (const Item& it : batch) {
                    EXPECT_GE(it.offset, 0) << it.id;
                    if (index % 3 == 0) {
                      places.push_back(PlaceOf(index, it));
                      want.emplace_back();
                    }
                    want.back().push_back(it.id);
                    ++index;
                  }
                  return Status::Ok();
                }).ok());
    ASSERT_EQ(places.size(), 4u);
    // The repeated q1 stays out though a streamed read back keeps no map of
    // the ids seen: its line is among the load's problems.
    std::vector<std::string> read_ids;
    for (const std::vector<std::string>& ids : want)
      read_ids.insert(read_ids.end(), ids.begin(), ids.end());
    EXPECT_THAT(read_ids, ::testing::ElementsAre("q0", "q1", "q2", "q3", "q4",
                                                 "q5", "q6", "q7", "q8", "q9"));
    // In any order, each on its own.
    for (size_t b : {3u, 1u, 0u, 2u}) {
      std::vector<Item> items;
      Status st = ReadItemsAt(*suite, places[b], 3, &items);
      ASSERT_TRUE(st.ok()) << st.message();
      std::vector<std::string> ids;
      for (const Item& it : items) ids.push_back(it.id);
      EXPECT_EQ(ids, want[b]) << "batch " << b;
      EXPECT_FALSE(items.front().content_hash.empty());
    }
  }
}

TEST_F(BatchesTest, AStreamedDatasetChangedSinceLoadingIsRefused) {
  auto suite = Load(true);
  ASSERT_TRUE(suite.ok()) << suite.status().message();
  ItemPlace place;
  int64_t index = 0;
  ASSERT_TRUE(ReadItemBatches(*suite, 16, [&](std::vector<Item>& batch) {
                for (const Item& it : batch)
                  if (index++ == 5) place = PlaceOf(5, it);
                return Status::Ok();
              }).ok());
  ASSERT_EQ(place.id, "q5");
  // A line inserted before it moves every later line.
  std::ofstream(suite->dataset_path, std::ios::binary)
      << Line("new") << "\n"
      << Line("q0") << "\n";
  std::vector<Item> items;
  Status st = ReadItemsAt(*suite, place, 3, &items);
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), HasSubstr("no longer holds item 'q5'"));
  EXPECT_THAT(st.message(), HasSubstr(suite->dataset_path));
}

}  // namespace
}  // namespace mmgate::dataset
