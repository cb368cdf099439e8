# One image per firstcome service, from one file: docker build --build-arg MODULE=ingress .
# (docker-compose.yml builds all three.) Multi-stage: Maven builds the runnable jars, a JRE runs one.
# Checked without a Docker engine by `make image-check` (scripts/image-check.sh): keep to COPY, RUN
# and WORKDIR in the build stage, and exact versions everywhere (no floating tags, no globs).
FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /src

# 1. Dependencies and plugins, in a layer of their own that a change to the code does not rebuild:
#    the same package command as step 2, on the poms alone, fetches exactly what that build uses
#    (dependency:go-offline would miss plugins' own dependencies and trip over the reactor's modules).
COPY pom.xml .
COPY contract/pom.xml contract/
COPY ops/pom.xml ops/
COPY stackkit/pom.xml stackkit/
COPY testkit/pom.xml testkit/
COPY loadkit/pom.xml loadkit/
COPY streams-processor/pom.xml streams-processor/
COPY ingress/pom.xml ingress/
COPY sink/pom.xml sink/
COPY bench/pom.xml bench/
COPY e2e/pom.xml e2e/
RUN mvn -B -ntp -Dmaven.test.skip=true -pl streams-processor,ingress,sink -am package \
 && rm -rf contract/target stackkit/target testkit/target streams-processor/target ingress/target sink/target

# 2. The code, built offline from that layer. -am also builds the services' test-scoped reactor
#    dependencies (the testkit, which uses the stackkit), so their sources come too.
COPY contract/src contract/src
COPY stackkit/src stackkit/src
COPY testkit/src testkit/src
COPY streams-processor/src streams-processor/src
COPY ingress/src ingress/src
COPY sink/src sink/src
RUN mvn -B -ntp -o -Dmaven.test.skip=true -pl streams-processor,ingress,sink -am package

FROM eclipse-temurin:17.0.16_8-jre
ARG MODULE
RUN test -n "$MODULE" || { echo "MODULE is not set: docker build --build-arg MODULE=ingress (or streams-processor, sink) ." >&2; exit 1; }
# curl for the health checks in docker-compose.yml (GET /health/ready).
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
# A user of its own, not root. The streams-processor's state directory exists in the image owned
# by it, so that the named volume docker-compose.yml mounts there starts out writable.
RUN groupadd --system --gid 10001 firstcome \
 && useradd --system --uid 10001 --gid firstcome --no-create-home --shell /usr/sbin/nologin firstcome \
 && mkdir -p /var/lib/firstcome/streams && chown -R firstcome:firstcome /var/lib/firstcome
WORKDIR /app
COPY --from=build /src/${MODULE}/target/${MODULE}.jar /app/service.jar
USER firstcome:firstcome
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=60"
ENTRYPOINT ["java", "-jar", "/app/service.jar"]
