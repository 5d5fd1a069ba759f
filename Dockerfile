# Both programs in one small image. Multi-stage: the Swift toolchain builds, and the runtime
# stage holds only the two binaries, the entrypoint and glibc (the Swift standard library is
# linked statically, so the binaries need nothing else; .ci/containers checks that on the host).
#
#   docker build -t sentinel-miniredis .
#   docker run -e ROLE=master -p 6379:6379 sentinel-miniredis
#
# See docker/README.md (the compose fleet, Kubernetes) and docker/entrypoint.sh (the settings).
ARG SWIFT_IMAGE=swift:6.1-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${SWIFT_IMAGE} AS build
WORKDIR /src
# The whole package (SwiftPM wants every target's folder), less what .dockerignore leaves out.
COPY . .
RUN swift build -c release --static-swift-stdlib --product miniredis \
 && swift build -c release --static-swift-stdlib --product sentinel \
 && mkdir /out && cp .build/release/miniredis .build/release/sentinel /out/

FROM ${RUNTIME_IMAGE}
# A fixed, non-root uid, so volumes can be prepared for it (chown 10001).
RUN useradd --system --uid 10001 --user-group --home-dir /data --no-create-home redis \
 && mkdir /data && chown redis:redis /data
COPY --from=build /out/miniredis /out/sentinel /usr/local/bin/
COPY docker/entrypoint.sh /usr/local/bin/entrypoint.sh
USER 10001:10001
WORKDIR /data
VOLUME /data
EXPOSE 6379 26379
ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
