# One image per firstcome service, from one file: docker build --build-arg MODULE=ingress .
# (docker-compose.yml builds all three.) Multi-stage: Maven builds the runnable jars, a JRE runs one.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
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
COPY contract/src contract/src
# The services' tests are compiled even with -DskipTests, and they use the testkit (which uses stackkit).
COPY stackkit/src stackkit/src
COPY testkit/src testkit/src
COPY streams-processor/src streams-processor/src
COPY ingress/src ingress/src
COPY sink/src sink/src
RUN mvn -B -ntp -DskipTests -pl streams-processor,ingress,sink -am package

FROM eclipse-temurin:17-jre
ARG MODULE
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/${MODULE}/target/${MODULE}.jar /app/service.jar
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=60"
ENTRYPOINT ["java", "-jar", "/app/service.jar"]
