#!/usr/bin/env bash
# A real Apache Kafka broker (KRaft, no ZooKeeper, no Docker) on 127.0.0.1:9092.
#   deploy/kafka.sh start    fetch the jars from Maven Central (once), format storage (once), start
#   deploy/kafka.sh stop     stop it (SIGTERM, then SIGKILL after 30 s)
#   deploy/kafka.sh kill     SIGKILL (fault tests)
#   deploy/kafka.sh status   say whether it answers
# Idempotent: starting a running broker does nothing. KAFKA_HOME_DIR moves data and logs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/kafka/pom.xml")"
libs="$here/.cache/kafka-libs-$KAFKA_VERSION"
run="${KAFKA_HOME_DIR:-$here/.run/kafka}"
pidfile="$run/kafka.pid"
port=9092

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }
running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

fetch() {
    [ -f "$libs/.complete" ] && return
    echo "fetching Apache Kafka $KAFKA_VERSION jars from Maven Central..."
    rm -rf "$libs"
    mvn -q -B -f "$here/kafka/pom.xml" dependency:copy-dependencies \
        -DoutputDirectory="$libs" -DincludeScope=runtime
    touch "$libs/.complete"
}

format() {
    [ -f "$run/data/meta.properties" ] && return
    mkdir -p "$run/data"
    sed "s:^log.dirs=.*::" "$here/kafka/server.properties" > "$run/server.properties"
    echo "log.dirs=$run/data" >> "$run/server.properties"
    java -cp "$libs/*" -Dlog4j2.configurationFile="$here/kafka/log4j2.yaml" kafka.tools.StorageTool \
        format --config "$run/server.properties" --cluster-id "$(cat "$run/cluster-id" 2>/dev/null ||
        java -cp "$libs/*" kafka.tools.StorageTool random-uuid | tee "$run/cluster-id")" --standalone >/dev/null
}

start() {
    if answers; then echo "kafka: a broker already answers on 127.0.0.1:$port; using it"; return; fi
    fetch
    mkdir -p "$run"
    format
    KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
    # shellcheck disable=SC2086
    nohup java $KAFKA_HEAP_OPTS -XX:+UseG1GC -Djava.awt.headless=true \
        -Dlog4j2.configurationFile="$here/kafka/log4j2.yaml" \
        -cp "$libs/*" kafka.Kafka "$run/server.properties" > "$run/kafka.log" 2>&1 &
    echo $! > "$pidfile"
    for _ in $(seq 1 120); do
        if answers; then echo "kafka: Apache Kafka $KAFKA_VERSION on 127.0.0.1:$port (log: $run/kafka.log)"; return; fi
        running || { echo "kafka: the broker exited; see $run/kafka.log" >&2; tail -20 "$run/kafka.log" >&2; exit 1; }
        sleep 0.5
    done
    echo "kafka: no answer on 127.0.0.1:$port after 60 s; see $run/kafka.log" >&2
    exit 1
}

stop() {
    running || { echo "kafka: not running"; return; }
    local pid; pid="$(cat "$pidfile")"
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; echo "kafka: stopped"; return; }; sleep 0.5; done
    kill -KILL "$pid"; rm -f "$pidfile"; echo "kafka: killed after 30 s"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    kill) running && kill -KILL "$(cat "$pidfile")" && rm -f "$pidfile"; echo "kafka: killed" ;;
    status) if answers; then echo "kafka: up on 127.0.0.1:$port"; else echo "kafka: down"; exit 1; fi ;;
    fetch) fetch ;;
    *) echo "usage: deploy/kafka.sh start|stop|kill|status|fetch" >&2; exit 2 ;;
esac
