// Flag parsing: defaults, every flag, and the exact messages for bad values.
#include <initializer_list>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "rdr/app/options.h"

namespace rdr::app {
namespace {

using namespace std::chrono_literals;

Result<Options> parse(std::initializer_list<const char*> flags, const Environment& env = {}) {
  std::vector<const char*> argv = {"redis-dr-operator"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  return parseOptions(static_cast<int>(argv.size()), argv.data(), env);
}

TEST(OptionsTest, Defaults) {
  const auto options = parse({});
  ASSERT_TRUE(options.has_value()) << options.error().message();
  EXPECT_EQ(options->command, Command::Run);
  EXPECT_EQ(options->kubeconfig, "");
  EXPECT_EQ(options->watchNamespace, "");
  EXPECT_EQ(options->metricsAddress, (BindAddress{"", 8080}));
  EXPECT_EQ(options->healthProbeAddress, (BindAddress{"", 8081}));
  EXPECT_FALSE(options->leaderElection.enabled);
  EXPECT_EQ(options->leaderElection.leaseNamespace, "redis-dr-operator-system");
  EXPECT_EQ(options->leaderElection.leaseName, "redis-dr-operator-leader");
  EXPECT_EQ(options->leaderElection.leaseDuration, 15s);
  EXPECT_EQ(options->leaderElection.renewDeadline, 10s);
  EXPECT_EQ(options->leaderElection.retryPeriod, 2s);
  EXPECT_EQ(options->logLevel, LogLevel::Info);
  EXPECT_EQ(options->logFormat, LogFormat::Text);
  EXPECT_EQ(options->allowedSourceNetworks, "");
}

TEST(OptionsTest, DefaultsFromTheEnvironment) {
  const Environment env{"/home/me/.kube/config", "operators"};
  const auto options = parse({}, env);
  ASSERT_TRUE(options.has_value());
  EXPECT_EQ(options->kubeconfig, "/home/me/.kube/config");
  EXPECT_EQ(options->leaderElection.leaseNamespace, "operators");
  // Flags win over the environment.
  const auto flagged = parse({"--kubeconfig", "/tmp/kc", "--leader-election-namespace=ops"}, env);
  ASSERT_TRUE(flagged.has_value());
  EXPECT_EQ(flagged->kubeconfig, "/tmp/kc");
  EXPECT_EQ(flagged->leaderElection.leaseNamespace, "ops");
}

TEST(OptionsTest, EveryFlag) {
  const auto options = parse(
      {"--kubeconfig=/etc/kc", "--namespace", "redis", "--metrics-bind-address=127.0.0.1:9090",
       "--health-probe-bind-address", "[::1]:9091", "--leader-elect",
       "--leader-election-namespace=redis-dr-operator-system", "--leader-election-id=my.lease",
       "--leader-election-lease-duration=1m", "--leader-election-renew-deadline", "30s",
       "--leader-election-retry-period=500ms", "--log-level=debug", "--log-format", "json",
       "--allowed-source-networks=127.0.0.0/8"});
  ASSERT_TRUE(options.has_value()) << options.error().message();
  EXPECT_EQ(options->kubeconfig, "/etc/kc");
  EXPECT_EQ(options->watchNamespace, "redis");
  EXPECT_EQ(options->metricsAddress, (BindAddress{"127.0.0.1", 9090}));
  EXPECT_EQ(options->healthProbeAddress, (BindAddress{"::1", 9091}));
  EXPECT_TRUE(options->leaderElection.enabled);
  EXPECT_EQ(options->leaderElection.leaseNamespace, "redis-dr-operator-system");
  EXPECT_EQ(options->leaderElection.leaseName, "my.lease");
  EXPECT_EQ(options->leaderElection.leaseDuration, 1min);
  EXPECT_EQ(options->leaderElection.renewDeadline, 30s);
  EXPECT_EQ(options->leaderElection.retryPeriod, 500ms);
  EXPECT_EQ(options->logLevel, LogLevel::Debug);
  EXPECT_EQ(options->logFormat, LogFormat::Json);
  EXPECT_EQ(options->allowedSourceNetworks, "127.0.0.0/8");
}

TEST(OptionsTest, AllowedSourceNetworksAreValidatedAndKeptAsWritten) {
  EXPECT_EQ(parse({"--allowed-source-networks", "127.0.0.0/8, fd00::/8"})->allowedSourceNetworks,
            "127.0.0.0/8, fd00::/8");
  EXPECT_EQ(parse({"--allowed-source-networks=0.0.0.0/0"})->allowedSourceNetworks, "0.0.0.0/0");
  EXPECT_EQ(parse({"--allowed-source-networks=10.0.0.0/8", "--allowed-source-networks="})
                ->allowedSourceNetworks,
            "");
}

TEST(OptionsTest, TheDeploymentsArguments) {
  // deploy/05-deployment.yaml, with $(POD_NAMESPACE) expanded by the kubelet.
  const auto options = parse(
      {"--leader-elect", "--leader-election-namespace=redis-dr-operator-system",
       "--metrics-bind-address=:8080", "--health-probe-bind-address=:8081", "--log-format=json"});
  ASSERT_TRUE(options.has_value()) << options.error().message();
  EXPECT_TRUE(options->leaderElection.enabled);
  EXPECT_EQ(options->logFormat, LogFormat::Json);
}

TEST(OptionsTest, BoolFlagTakesAnExplicitValueAndTheLastValueWins) {
  EXPECT_FALSE(parse({"--leader-elect=false"})->leaderElection.enabled);
  EXPECT_TRUE(parse({"--leader-elect=true"})->leaderElection.enabled);
  EXPECT_EQ(parse({"--namespace=a", "--namespace=b"})->watchNamespace, "b");
  EXPECT_EQ(parse({"--namespace=a", "--namespace="})->watchNamespace, "");
  EXPECT_EQ(parse({"--namespace=a", "--namespace", ""})->watchNamespace, "");
}

TEST(OptionsTest, ZeroDisablesAnEndpoint) {
  const auto options = parse({"--metrics-bind-address=0", "--health-probe-bind-address", "0"});
  ASSERT_TRUE(options.has_value());
  EXPECT_FALSE(options->metricsAddress.has_value());
  EXPECT_FALSE(options->healthProbeAddress.has_value());
}

TEST(OptionsTest, HelpAndVersionSkipValidation) {
  EXPECT_EQ(parse({"--help"})->command, Command::Help);
  EXPECT_EQ(parse({"-h"})->command, Command::Help);
  EXPECT_EQ(parse({"--version"})->command, Command::Version);
  EXPECT_EQ(parse({"--version", "--log-format=xml"})->command, Command::Version);
}

struct BadCase {
  std::vector<const char*> flags;
  const char* message;
};

class BadOptionsTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadOptionsTest, ReportsTheProblem) {
  std::vector<const char*> argv = {"redis-dr-operator"};
  argv.insert(argv.end(), GetParam().flags.begin(), GetParam().flags.end());
  const auto options = parseOptions(static_cast<int>(argv.size()), argv.data(), Environment{});
  ASSERT_FALSE(options.has_value());
  EXPECT_EQ(options.error().code(), ErrorCode::Invalid);
  EXPECT_EQ(options.error().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Table, BadOptionsTest,
    ::testing::Values(
        BadCase{{"--bogus"}, "unknown flag: --bogus"},
        BadCase{{"--allowed-source-networks=127.0.0.0/8,10.0.0.1/33"},
                "invalid value \"127.0.0.0/8,10.0.0.1/33\" for flag --allowed-source-networks: "
                "\"10.0.0.1/33\" is not an IPv4 CIDR (a.b.c.d/n with n in 0..32)"},
        BadCase{{"--allowed-source-networks", "fd00::1/8"},
                "invalid value \"fd00::1/8\" for flag --allowed-source-networks: the CIDR "
                "\"fd00::1/8\" has host bits set after the prefix (the network is fd00::/8)"},
        BadCase{{"--bogus=1", "--log-level=x"}, "unknown flag: --bogus"},
        BadCase{{"run"}, "unexpected argument \"run\" (this program takes only flags)"},
        BadCase{{"--leader-election-lease-duration=15x"},
                "invalid value \"15x\" for flag --leader-election-lease-duration: unknown unit "
                "\"x\" in duration \"15x\" (valid units: ns, us, ms, s, m, h)"},
        BadCase{{"--leader-election-retry-period=2"},
                "invalid value \"2\" for flag --leader-election-retry-period: missing unit in "
                "duration \"2\" (e.g. 15s, 500ms, 1m)"},
        BadCase{
            {"--leader-election-renew-deadline=-1s"},
            "invalid value \"-1s\" for flag --leader-election-renew-deadline: must be positive"},
        BadCase{{"--leader-election-lease-duration=10s"},
                "--leader-election-lease-duration (10s) must be greater than "
                "--leader-election-renew-deadline (10s)"},
        BadCase{{"--leader-election-renew-deadline=2400ms"},
                "--leader-election-renew-deadline (2.4s) must be greater than 1.2 x "
                "--leader-election-retry-period (1.2 x 2s = 2.4s)"},
        BadCase{{"--leader-election-retry-period=9s"},
                "--leader-election-renew-deadline (10s) must be greater than 1.2 x "
                "--leader-election-retry-period (1.2 x 9s = 10.8s)"},
        BadCase{{"--metrics-bind-address=8080"},
                "invalid value \"8080\" for flag --metrics-bind-address: missing port in address "
                "\"8080\" (e.g. :8080, 127.0.0.1:8080, [::1]:8080; 0 disables)"},
        BadCase{{"--health-probe-bind-address=::1:8081"},
                "invalid value \"::1:8081\" for flag --health-probe-bind-address: too many colons "
                "in address \"::1:8081\" (write IPv6 addresses in brackets: [::1]:8080)"},
        BadCase{{"--metrics-bind-address=:99999"},
                "invalid value \":99999\" for flag --metrics-bind-address: invalid port \"99999\" "
                "in address \":99999\" (0-65535)"},
        BadCase{{"--metrics-bind-address=example.com:80"},
                "invalid value \"example.com:80\" for flag --metrics-bind-address: host "
                "\"example.com\" in address \"example.com:80\" is not an IP address (use an IPv4 "
                "address, [IPv6] or localhost)"},
        BadCase{{"--log-format=xml"},
                "invalid value \"xml\" for flag --log-format: unknown log format \"xml\" "
                "(accepted: text, json)"},
        BadCase{{"--log-level=loud"},
                "invalid value \"loud\" for flag --log-level: unknown log level \"loud\" "
                "(accepted: trace, debug, info, warn, error)"},
        BadCase{{"--namespace=Prod"},
                "invalid value \"Prod\" for flag --namespace: a namespace is a lowercase RFC 1123 "
                "label (a-z, 0-9 and '-', at most 63 characters, starting and ending with a "
                "letter or digit)"},
        BadCase{{"--leader-election-namespace="},
                "invalid value \"\" for flag --leader-election-namespace: a namespace is a "
                "lowercase RFC 1123 label (a-z, 0-9 and '-', at most 63 characters, starting and "
                "ending with a letter or digit)"},
        BadCase{{"--leader-election-id=Bad_Name"},
                "invalid value \"Bad_Name\" for flag --leader-election-id: a Lease name is a "
                "lowercase RFC 1123 subdomain (a-z, 0-9, '-' and '.', at most 253 characters)"},
        BadCase{{"--namespace"}, "flag needs an argument: --namespace"},
        BadCase{{"--leader-elect=maybe"},
                "invalid value \"maybe\" for flag --leader-elect: not a boolean (true or false)"},
        BadCase{{"--log-level=info", "--log-format"}, "flag needs an argument: --log-format"}));

struct AddressCase {
  const char* text;
  std::optional<BindAddress> expected;
};

class BindAddressTest : public ::testing::TestWithParam<AddressCase> {};

TEST_P(BindAddressTest, Parses) {
  const auto parsed = parseBindAddress(GetParam().text);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
  EXPECT_EQ(*parsed, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, BindAddressTest,
    ::testing::Values(AddressCase{"0", std::nullopt}, AddressCase{":8080", BindAddress{"", 8080}},
                      AddressCase{"127.0.0.1:8080", BindAddress{"127.0.0.1", 8080}},
                      AddressCase{"0.0.0.0:0", BindAddress{"0.0.0.0", 0}},
                      AddressCase{"[::1]:8080", BindAddress{"::1", 8080}},
                      AddressCase{"[::]:65535", BindAddress{"::", 65535}},
                      AddressCase{"localhost:8081", BindAddress{"localhost", 8081}}));

TEST(BindAddressTest, Rejects) {
  EXPECT_EQ(parseBindAddress("").error().message(),
            "empty address (e.g. :8080, 127.0.0.1:8080, [::1]:8080; 0 disables)");
  EXPECT_EQ(parseBindAddress("[::1:8080").error().message(),
            "missing ']' in address \"[::1:8080\"");
  EXPECT_EQ(
      parseBindAddress("[::1]").error().message(),
      "missing port in address \"[::1]\" (e.g. :8080, 127.0.0.1:8080, [::1]:8080; 0 disables)");
  EXPECT_EQ(parseBindAddress("[nope]:1").error().message(),
            "invalid IPv6 address \"nope\" in address \"[nope]:1\"");
  EXPECT_EQ(
      parseBindAddress("1.2.3.4:").error().message(),
      "missing port in address \"1.2.3.4:\" (e.g. :8080, 127.0.0.1:8080, [::1]:8080; 0 disables)");
  EXPECT_EQ(parseBindAddress(":http").error().message(),
            "invalid port \"http\" in address \":http\" (0-65535)");
  EXPECT_EQ(parseBindAddress("1.2.3.256:80").error().code(), ErrorCode::Invalid);
}

TEST(HelpTextTest, ListsEveryFlagWithItsDefault) {
  const std::string help = helpText();
  for (const char* line : {"  --kubeconfig PATH\n",
                           "(default: $KUBECONFIG, else the in-cluster config)",
                           "  --namespace NAME\n",
                           "(default: \"\" (every namespace))",
                           "  --metrics-bind-address ADDR\n",
                           "(default: :8080)",
                           "  --health-probe-bind-address ADDR\n",
                           "(default: :8081)",
                           "  --leader-elect\n",
                           "(default: false)",
                           "  --leader-election-namespace NAME\n",
                           "(default: the in-cluster namespace, else redis-dr-operator-system)",
                           "  --leader-election-id NAME\n",
                           "(default: redis-dr-operator-leader)",
                           "  --leader-election-lease-duration DURATION\n",
                           "(default: 15s)",
                           "  --leader-election-renew-deadline DURATION\n",
                           "(default: 10s)",
                           "  --leader-election-retry-period DURATION\n",
                           "(default: 2s)",
                           "  --log-level LEVEL\n",
                           "(default: info)",
                           "  --log-format FORMAT\n",
                           "(default: text)",
                           "  --allowed-source-networks CIDRS\n",
                           "(default: \"\" (any))",
                           "  --version\n",
                           "  -h, --help\n"}) {
    EXPECT_NE(help.find(line), std::string::npos) << "missing: " << line << "\nin:\n" << help;
  }
}

} // namespace
} // namespace rdr::app
