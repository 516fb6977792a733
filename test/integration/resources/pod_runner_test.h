// The base of the tests that run built pods as real processes: a work directory and a PodRunner
// per test, skipped without redis-server/redis-cli, every process stopped and the logs shown on
// failure.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "integration/resources/pod_runner.h"

namespace rdr::resources::testing {

class PodRunnerTest : public ::testing::Test {
protected:
  // From SetUp(): skips the test when Redis is not installed, else makes the work directory and
  // the runner. secrets: Secret name -> the value of its key "password".
  void startRunner(const std::string& prefix, std::map<std::string, std::string> secrets) {
    for (const char* tool : {"/usr/bin/redis-server", "/usr/bin/redis-cli"}) {
      if (!std::filesystem::exists(tool)) {
        GTEST_SKIP() << tool << " is not installed (apt-get install redis-server)";
      }
    }
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    work_dir_ = pattern;
    runner_ = std::make_unique<PodRunner>(work_dir_, std::move(secrets));
  }

  void TearDown() override {
    if (runner_) {
      runner_->stopAll();
    }
    if (work_dir_.empty()) {
      return;
    }
    if (HasFailure()) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(work_dir_)) {
        if (entry.path().filename() == "redis.log") {
          std::cerr << "--- " << entry.path() << "\n" << readText(entry.path());
        }
      }
    }
    std::filesystem::remove_all(work_dir_);
  }

  std::filesystem::path work_dir_;
  std::unique_ptr<PodRunner> runner_;
};

} // namespace rdr::resources::testing
