# The fakeserver image: one static binary on an empty base, so that building
# it pulls nothing from a registry. Build the binary first, then the image:
#
#   CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o fakeserver ./cmd/fakeserver
#   docker build -t tokenfake/fakeserver .
#
# Mount your own data at /fixtures and scenario files at /scenarios, and point
# the server at them (FAKESERVER_FIXTURES=/fixtures,
# FAKESERVER_SCENARIO=/scenarios/mine.yaml); see the README's "Container".
FROM scratch
COPY fakeserver /fakeserver
# Mount points for your own fixtures and scenario files.
WORKDIR /fixtures
WORKDIR /scenarios
WORKDIR /
ENV FAKESERVER_ADDR=0.0.0.0:8080
USER 65532:65532
EXPOSE 8080
HEALTHCHECK --interval=1s --timeout=1s --start-period=5s --retries=3 CMD ["/fakeserver", "healthcheck"]
ENTRYPOINT ["/fakeserver"]
