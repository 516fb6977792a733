// Pod status rendering: phases, conditions with stable transition times, container states.
#include <gtest/gtest.h>

#include "rdr/common/time_format.h"
#include "sandbox/nodeagent/pod_status.h"

namespace rdr::sandbox {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const SystemTime kT0 = *parseRfc3339("2026-11-22T10:00:00Z");

ContainerView running(bool ready) {
  ContainerView c;
  c.name = "redis";
  c.image = "redis:7.2";
  c.state = ContainerView::State::Running;
  c.started_at = kT0;
  c.ever_started = true;
  c.ready = ready;
  return c;
}

PodView pod(std::vector<ContainerView> containers) {
  return PodView{"127.10.0.5", "127.0.10.1", kT0, std::move(containers)};
}

const json& condition(const json& status, const std::string& type) {
  for (const json& c : status["conditions"]) {
    if (c["type"] == type) {
      return c;
    }
  }
  static const json none;
  return none;
}

TEST(PodStatusTest, NewPodIsPendingWithContainerCreatingAndItsIps) {
  ContainerView creating;
  creating.name = "redis";
  const json status = renderPodStatus(pod({creating}), json::object(), kT0);
  EXPECT_EQ(status["phase"], "Pending");
  EXPECT_EQ(status["podIP"], "127.10.0.5");
  EXPECT_EQ(status["podIPs"], json::array({{{"ip", "127.10.0.5"}}}));
  EXPECT_EQ(status["hostIP"], "127.0.10.1");
  EXPECT_EQ(status["startTime"], "2026-11-22T10:00:00Z");
  EXPECT_EQ(status["containerStatuses"][0]["state"]["waiting"]["reason"], "ContainerCreating");
  EXPECT_EQ(condition(status, "Ready")["status"], "False");
  EXPECT_EQ(condition(status, "Ready")["message"], "containers with unready status: [redis]");
  EXPECT_EQ(condition(status, "PodScheduled")["status"], "True");
}

TEST(PodStatusTest, ReadyRunningPodReportsRunningStateAndTrueConditions) {
  const json status = renderPodStatus(pod({running(true)}), json::object(), kT0 + 5s);
  EXPECT_EQ(status["phase"], "Running");
  EXPECT_EQ(status["containerStatuses"][0]["state"]["running"]["startedAt"],
            "2026-11-22T10:00:00Z");
  EXPECT_EQ(status["containerStatuses"][0]["ready"], true);
  EXPECT_EQ(status["containerStatuses"][0]["started"], true);
  for (const char* type : {"Initialized", "Ready", "ContainersReady", "PodScheduled"}) {
    EXPECT_EQ(condition(status, type)["status"], "True") << type;
  }
}

TEST(PodStatusTest, TransitionTimeChangesOnlyWhenTheConditionFlips) {
  const json ready = renderPodStatus(pod({running(true)}), json::object(), kT0 + 5s);
  const json still = renderPodStatus(pod({running(true)}), ready, kT0 + 60s);
  EXPECT_EQ(still, ready); // nothing changed: no write
  const json unready = renderPodStatus(pod({running(false)}), still, kT0 + 90s);
  EXPECT_EQ(condition(unready, "Ready")["lastTransitionTime"], "2026-11-22T10:01:30Z");
  EXPECT_EQ(condition(unready, "PodScheduled")["lastTransitionTime"], "2026-11-22T10:00:05Z");
}

TEST(PodStatusTest, CrashLoopShowsRestartCountAndTheLastTermination) {
  ContainerView c = running(false);
  c.state = ContainerView::State::Waiting;
  c.waiting_reason = "CrashLoopBackOff";
  c.waiting_message = "back-off 10s restarting failed container=redis";
  c.restart_count = 1;
  c.last_terminated = Termination{137, 9, kT0, kT0 + 30s};
  const json status = renderPodStatus(pod({c}), json::object(), kT0 + 31s);
  const json& container = status["containerStatuses"][0];
  EXPECT_EQ(status["phase"], "Running");
  EXPECT_EQ(container["restartCount"], 1);
  EXPECT_EQ(container["state"]["waiting"]["reason"], "CrashLoopBackOff");
  EXPECT_EQ(container["lastState"]["terminated"]["exitCode"], 137);
  EXPECT_EQ(container["lastState"]["terminated"]["signal"], 9);
  EXPECT_EQ(container["lastState"]["terminated"]["reason"], "Error");
  EXPECT_EQ(container["lastState"]["terminated"]["finishedAt"], "2026-11-22T10:00:30Z");
}

TEST(PodStatusTest, TerminatedContainersEndThePodAsSucceededOrFailed) {
  ContainerView done = running(false);
  done.state = ContainerView::State::Terminated;
  done.terminated = Termination{0, 0, kT0, kT0 + 1s};
  EXPECT_EQ(renderPodStatus(pod({done}), json::object(), kT0)["phase"], "Succeeded");
  EXPECT_EQ(terminationReason(*done.terminated), "Completed");
  done.terminated->exit_code = 2;
  EXPECT_EQ(renderPodStatus(pod({done}), json::object(), kT0)["phase"], "Failed");
}

} // namespace
} // namespace rdr::sandbox
