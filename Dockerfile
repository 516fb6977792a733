# redis-dr-operator container image: built on Debian bookworm with the project's own install script
# and CMake commands (those of dev/test, in Release, without tests), run on bookworm-slim as a
# non-root user with only the shared libraries the binary needs.
#
#   docker build -t redis-dr-operator:0.1.0 .
#   kind load docker-image redis-dr-operator:0.1.0   # or push it where your cluster pulls from
#
# deploy/05-deployment.yaml runs this image (imagePullPolicy: IfNotPresent).

# ---------------------------------------------------------------- build stage
FROM debian:bookworm AS build

# dev/ alone first: the package layer below is rebuilt only when dev/ (packages.txt, install-deps)
# changes, not on every source edit. install-deps is the script README's commands and dev/test run;
# as root it calls apt-get directly (no sudo).
COPY dev/ /src/dev/
RUN /src/dev/install-deps \
 && rm -rf /var/lib/apt/lists/*

COPY . /src
WORKDIR /src

# The configure/build commands of dev/test, with BUILD_TYPE=Release and the test suites off; then
# install (stripped) into a staging prefix that the runtime stage copies from.
RUN cmake -S /src -B /build -DCMAKE_BUILD_TYPE=Release -DRDR_BUILD_TESTS=OFF -DRDR_BUILD_BENCH=OFF \
 && cmake --build /build -j "$(nproc)" \
 && cmake --install /build --prefix /out/usr/local --strip \
 && /out/usr/local/bin/redis-dr-operator --version

# ---------------------------------------------------------------- runtime stage
FROM debian:bookworm-slim

# The runtime halves of the -dev packages the build links (bookworm names, checked with apt-cache):
#   libcpprest2.10 (cpprestsdk: Kubernetes REST and watch), libhiredis0.14 (Redis),
#   libspdlog1.10 + libfmt9 (logging), libyaml-cpp0.7 (configuration), ca-certificates (TLS to the
#   API server and to TLS-enabled sources). nlohmann-json is header-only: nothing to install.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates \
      libcpprest2.10 \
      libfmt9 \
      libhiredis0.14 \
      libspdlog1.10 \
      libyaml-cpp0.7 \
 && rm -rf /var/lib/apt/lists/*

# uid/gid 65532, the "nonroot" convention (distroless) that deploy/ pins in runAsUser/runAsGroup.
# --no-log-init: no lastlog/faillog entry (a sparse file sized by the uid that image layers would
# store in full); no home directory, no login shell.
RUN groupadd --gid 65532 nonroot \
 && useradd --uid 65532 --gid 65532 --no-log-init --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin nonroot

COPY --from=build /out/usr/local/bin/redis-dr-operator /usr/local/bin/redis-dr-operator

LABEL org.opencontainers.image.title="redis-dr-operator" \
      org.opencontainers.image.description="Kubernetes operator for Redis disaster recovery (C++20)" \
      org.opencontainers.image.version="0.1.0"

# 8080: /metrics, 8081: /healthz and /readyz (the Deployment's --*-bind-address flags).
EXPOSE 8080 8081
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/redis-dr-operator"]
