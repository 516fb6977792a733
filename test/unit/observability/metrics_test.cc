// The registry: exposition text per metric type, escaping, buckets, removal, validation, threads.
#include <limits>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "rdr/observability/metrics.h"

namespace rdr::observability {
namespace {

TEST(RegistryTest, EmptyRegistryRendersNothing) {
  Registry registry;
  EXPECT_EQ(registry.render(), "");
}

TEST(RegistryTest, CounterWithLabels) {
  Registry registry;
  auto counter = registry.addCounter("jobs_total", "Jobs done.", {"queue", "kind"}).value();
  counter->inc({"b", "x"});
  counter->inc({"a", "y"}, 2.5);
  counter->inc({"b", "x"});
  EXPECT_EQ(registry.render(), "# HELP jobs_total Jobs done.\n"
                               "# TYPE jobs_total counter\n"
                               "jobs_total{queue=\"a\",kind=\"y\"} 2.5\n"
                               "jobs_total{queue=\"b\",kind=\"x\"} 2\n");
  EXPECT_EQ(counter->value({"b", "x"}), 2);
  EXPECT_EQ(counter->value({"c", "z"}), 0);
}

TEST(RegistryTest, FamilyWithoutLabelsExportsZeroFromTheStart) {
  Registry registry;
  auto gauge = registry.addGauge("up", "Whether it is up.").value();
  EXPECT_EQ(registry.render(), "# HELP up Whether it is up.\n# TYPE up gauge\nup 0\n");
  gauge->set({}, 1);
  EXPECT_EQ(registry.render(), "# HELP up Whether it is up.\n# TYPE up gauge\nup 1\n");
  EXPECT_FALSE(gauge->remove({}));
  gauge->clear();
  EXPECT_EQ(registry.render(), "# HELP up Whether it is up.\n# TYPE up gauge\nup 0\n");
}

TEST(RegistryTest, GaugeSetAndAdd) {
  Registry registry;
  auto gauge = registry.addGauge("temperature", "Degrees.", {"room"}).value();
  gauge->set({"hall"}, 20);
  gauge->add({"hall"}, -25.5);
  gauge->add({"attic"}, 1e6);
  EXPECT_EQ(registry.render(), "# HELP temperature Degrees.\n"
                               "# TYPE temperature gauge\n"
                               "temperature{room=\"attic\"} 1e+06\n"
                               "temperature{room=\"hall\"} -5.5\n");
}

TEST(RegistryTest, LabelValuesAndHelpAreEscaped) {
  Registry registry;
  auto gauge = registry.addGauge("g", "Line one\nback\\slash \"quoted\".", {"v"}).value();
  gauge->set({"a\\b\"c\nd"}, 1);
  EXPECT_EQ(registry.render(), "# HELP g Line one\\nback\\\\slash \"quoted\".\n"
                               "# TYPE g gauge\n"
                               "g{v=\"a\\\\b\\\"c\\nd\"} 1\n");
}

TEST(RegistryTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Registry registry;
  auto histogram =
      registry.addHistogram("latency_seconds", "Latency.", {"op"}, {0.25, 0.5, 1}).value();
  histogram->observe({"get"}, 0.125);
  histogram->observe({"get"}, 0.25); // upper bounds are inclusive
  histogram->observe({"get"}, 0.75);
  histogram->observe({"get"}, 3);
  EXPECT_EQ(registry.render(), "# HELP latency_seconds Latency.\n"
                               "# TYPE latency_seconds histogram\n"
                               "latency_seconds_bucket{op=\"get\",le=\"0.25\"} 2\n"
                               "latency_seconds_bucket{op=\"get\",le=\"0.5\"} 2\n"
                               "latency_seconds_bucket{op=\"get\",le=\"1\"} 3\n"
                               "latency_seconds_bucket{op=\"get\",le=\"+Inf\"} 4\n"
                               "latency_seconds_sum{op=\"get\"} 4.125\n"
                               "latency_seconds_count{op=\"get\"} 4\n");
  const auto snapshot = histogram->snapshot({"get"});
  EXPECT_EQ(snapshot.cumulative, (std::vector<std::uint64_t>{2, 2, 3, 4}));
  EXPECT_EQ(snapshot.count, 4u);
}

TEST(RegistryTest, HistogramWithoutLabelsAndDefaultBuckets) {
  Registry registry;
  auto histogram = registry.addHistogram("h", "H.", {}).value();
  histogram->observe({}, 0.2);
  const std::string text = registry.render();
  EXPECT_NE(text.find("h_bucket{le=\"0.1\"} 0\nh_bucket{le=\"0.25\"} 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("h_bucket{le=\"10\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 0.2\nh_count 1\n"),
            std::string::npos)
      << text;
}

TEST(RegistryTest, HistogramEdgeValues) {
  Registry registry;
  auto histogram = registry.addHistogram("e", "E.", {}, {0, 1}).value();
  histogram->observe({}, -5);
  histogram->observe({}, std::numeric_limits<double>::quiet_NaN()); // +Inf only, as client_golang
  histogram->observe({}, std::numeric_limits<double>::infinity());
  EXPECT_EQ(histogram->snapshot({}).cumulative, (std::vector<std::uint64_t>{1, 1, 3}));
  EXPECT_EQ(registry.render(),
            "# HELP e E.\n# TYPE e histogram\n"
            "e_bucket{le=\"0\"} 1\ne_bucket{le=\"1\"} 1\ne_bucket{le=\"+Inf\"} 3\n"
            "e_sum NaN\ne_count 3\n");
}

TEST(RegistryTest, FamiliesAreSortedByName) {
  Registry registry;
  registry.addGauge("zeta", "Z.").value();
  registry.addCounter("alpha_total", "A.").value();
  registry.addGauge("mid", "M.").value();
  EXPECT_EQ(registry.render(), "# HELP alpha_total A.\n# TYPE alpha_total counter\nalpha_total 0\n"
                               "# HELP mid M.\n# TYPE mid gauge\nmid 0\n"
                               "# HELP zeta Z.\n# TYPE zeta gauge\nzeta 0\n");
}

TEST(RegistryTest, RemovingALabelSetStopsExportingIt) {
  Registry registry;
  auto gauge = registry.addGauge("lag", "Lag.", {"cluster", "namespace"}).value();
  gauge->set({"c1", "ns"}, 5);
  gauge->set({"c2", "ns"}, 7);
  EXPECT_TRUE(gauge->remove({"c1", "ns"}));
  EXPECT_FALSE(gauge->remove({"c1", "ns"}));
  EXPECT_EQ(registry.render(),
            "# HELP lag Lag.\n# TYPE lag gauge\nlag{cluster=\"c2\",namespace=\"ns\"} 7\n");
  EXPECT_TRUE(gauge->remove({"c2", "ns"}));
  EXPECT_EQ(registry.render(), ""); // a labelled family with no series is left out entirely
}

TEST(RegistryTest, RemoveMatchingAndClear) {
  Registry registry;
  auto histogram = registry.addHistogram("d", "D.", {"controller", "ns"}, {1}).value();
  histogram->observe({"a", "x"}, 1);
  histogram->observe({"b", "x"}, 1);
  histogram->observe({"b", "y"}, 1);
  EXPECT_EQ(histogram->removeMatching("ns", "x"), 2u);
  EXPECT_EQ(histogram->removeMatching("nope", "y"), 0u);
  EXPECT_EQ(histogram->snapshot({"b", "y"}).count, 1u);
  EXPECT_EQ(histogram->snapshot({"a", "x"}).count, 0u);
  histogram->clear();
  EXPECT_EQ(registry.render(), "");
}

TEST(RegistryTest, RejectsDuplicatesAndBadNames) {
  Registry registry;
  ASSERT_TRUE(registry.addCounter("x_total", "X.").has_value());
  const auto duplicate = registry.addGauge("x_total", "X.");
  ASSERT_FALSE(duplicate);
  EXPECT_TRUE(duplicate.error().is(ErrorCode::AlreadyExists));
  EXPECT_EQ(duplicate.error().message(), "metric x_total is already registered");

  EXPECT_EQ(registry.addGauge("1bad", "B.").error().message(),
            "invalid metric name \"1bad\" (must match [a-zA-Z_:][a-zA-Z0-9_:]*)");
  EXPECT_EQ(registry.addGauge("g", "G.", {"a-b"}).error().message(),
            "metric g: invalid label name \"a-b\" (must match [a-zA-Z_][a-zA-Z0-9_]* without a "
            "leading __)");
  EXPECT_EQ(registry.addGauge("g", "G.", {"__x"}).error().code(), ErrorCode::Invalid);
  EXPECT_EQ(registry.addGauge("g", "G.", {"a", "a"}).error().message(),
            "metric g: duplicate label name \"a\"");
  EXPECT_EQ(registry.addGauge("g", "").error().message(), "metric g: help text is empty");
  EXPECT_EQ(registry.addHistogram("h", "H.", {"le"}).error().message(),
            "metric h: a histogram cannot have a label named \"le\"");
  EXPECT_EQ(registry.addHistogram("h", "H.", {}, {1, 1}).error().message(),
            "metric h: bucket bounds must be strictly increasing");
  // The failed registrations left nothing behind; a spelled-out +Inf bucket is accepted.
  auto histogram =
      registry.addHistogram("h", "H.", {}, {1, std::numeric_limits<double>::infinity()});
  ASSERT_TRUE(histogram.has_value());
  EXPECT_EQ((*histogram)->bounds(), std::vector<double>{1});
}

TEST(RegistryTest, ConcurrentUpdatesAreAllCounted) {
  Registry registry;
  auto counter = registry.addCounter("c_total", "C.", {"worker"}).value();
  auto histogram = registry.addHistogram("h", "H.", {}, {0.5}).value();
  constexpr int kThreads = 8;
  constexpr int kIncrements = 10000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIncrements; ++i) {
        counter->inc({"shared"});
        counter->inc({t % 2 == 0 ? "even" : "odd"});
        histogram->observe({}, (i % 2 == 0) ? 0.25 : 1.0);
        if (i % 1000 == 0) {
          (void)registry.render(); // readers run alongside writers
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(counter->value({"shared"}), kThreads * kIncrements);
  EXPECT_EQ(counter->value({"even"}), kThreads / 2 * kIncrements);
  const auto snapshot = histogram->snapshot({});
  EXPECT_EQ(snapshot.count, static_cast<std::uint64_t>(kThreads * kIncrements));
  EXPECT_EQ(snapshot.cumulative[0], static_cast<std::uint64_t>(kThreads * kIncrements / 2));
}

} // namespace
} // namespace rdr::observability
