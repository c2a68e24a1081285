#!/usr/bin/env bash
# A real Apache Kafka broker (KRaft, no ZooKeeper, no Docker) on loopback, secured by default:
# clients authenticate with SASL/SCRAM-SHA-512 and every request is checked against ACLs
# (StandardAuthorizer; what no ACL allows is refused). The admin's credentials are generated at
# the first start into $run/credentials.json (mode 600), which the accelerator command reads;
# `accelerator topics create` then provisions each worker's own principal and ACLs.
#   deploy/kafka.sh start    fetch the jars from Maven Central (once), format storage (once), start
#   deploy/kafka.sh stop     stop it (SIGTERM, then SIGKILL after 30 s)
#   deploy/kafka.sh kill     SIGKILL (fault tests)
#   deploy/kafka.sh status   say whether it answers
#   deploy/kafka.sh credentials   print where the admin's credentials are
# Idempotent: starting a running broker does nothing. From the environment:
#   KAFKA_PORT (9092) the client listener; KAFKA_CONTROLLER_PORT (KAFKA_PORT + 1) the controller's;
#   KAFKA_START_SECONDS (240) how long `start` waits for the broker to answer;
#   KAFKA_HOME_DIR (deploy/.run/kafka, or deploy/.run/kafka-PORT for another port) data, logs,
#   credentials; KAFKA_PLAINTEXT=1 an unauthenticated PLAINTEXT broker instead (no ACLs: anyone
#   on the machine reads every topic) — only for a quick look, and only when formatted so.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/kafka/pom.xml")"
libs="$here/.cache/kafka-libs-$KAFKA_VERSION"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-$((port + 1))}"
default_run="$here/.run/kafka"
[ "$port" = 9092 ] || default_run="$here/.run/kafka-$port"
run="${KAFKA_HOME_DIR:-$default_run}"
pidfile="$run/kafka.pid"
start_seconds="${KAFKA_START_SECONDS:-240}"
[[ "$start_seconds" =~ ^[1-9][0-9]{0,4}$ ]] || {
    printf 'kafka: KAFKA_START_SECONDS: a whole number of seconds (1-99999), not %q\n' "$start_seconds" >&2
    exit 2
}
mode="secured"
[ "${KAFKA_PLAINTEXT:-0}" = 1 ] && mode="plaintext"

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }
running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
password() { head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32; }
storage() { java -cp "$libs/*" -Dlog4j2.configurationFile="$here/kafka/log4j2.yaml" kafka.tools.StorageTool "$@"; }

fetch() {
    [ -f "$libs/.complete" ] && return
    echo "fetching Apache Kafka $KAFKA_VERSION jars from Maven Central..."
    rm -rf "$libs"
    mvn -q -B -f "$here/kafka/pom.xml" dependency:copy-dependencies \
        -DoutputDirectory="$libs" -DincludeScope=runtime
    touch "$libs/.complete"
}

listeners() {
    echo "listeners=CLIENT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port"
    echo "advertised.listeners=CLIENT://127.0.0.1:$port"
    echo "controller.quorum.bootstrap.servers=127.0.0.1:$controller_port"
    echo "log.dirs=$run/data"
    if [ "$mode" = plaintext ]; then
        echo "listener.security.protocol.map=CLIENT:PLAINTEXT,CONTROLLER:PLAINTEXT"
        echo "inter.broker.listener.name=CLIENT"
    else
        sed -e "s:@ADMIN_PASSWORD@:$1:g" -e "s:@CONTROLLER_PASSWORD@:$2:g" "$here/kafka/secured.properties"
    fi
}

# The client side, for the accelerator command (credentials.json) and Kafka's own tools
# (admin.properties: --command-config). Both readable by this user only.
credentials() {
    cat > "$run/credentials.json" <<JSON
{
  "bootstrap_servers": "127.0.0.1:$port",
  "security_protocol": "SASL_PLAINTEXT",
  "sasl_mechanism": "SCRAM-SHA-512",
  "principals": {"admin": "$1"}
}
JSON
    cat > "$run/admin.properties" <<PROPERTIES
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$1";
PROPERTIES
}

format() {
    if [ -f "$run/data/meta.properties" ]; then
        local formatted; formatted="$(cat "$run/mode" 2>/dev/null || echo plaintext)"
        [ "$formatted" = "$mode" ] && return
        echo "kafka: $run holds a $formatted broker, not a $mode one; stop it and remove $run" \
            "(or choose another KAFKA_HOME_DIR)" >&2
        exit 1
    fi
    (umask 077 && mkdir -p "$run/data")
    local admin controller; admin="$(password)"; controller="$(password)"
    (umask 077 && { sed "s:^log.dirs=.*::" "$here/kafka/server.properties"; listeners "$admin" "$controller"; } \
        > "$run/server.properties")
    local cluster; cluster="$(cat "$run/cluster-id" 2>/dev/null || storage random-uuid | tee "$run/cluster-id")"
    if [ "$mode" = plaintext ]; then
        storage format --config "$run/server.properties" --cluster-id "$cluster" --standalone >/dev/null
    else
        # KIP-900: the admin exists before the broker first starts (it can then create the others).
        storage format --config "$run/server.properties" --cluster-id "$cluster" --standalone \
            --add-scram "SCRAM-SHA-512=[name=admin,password=$admin]" >/dev/null
        (umask 077 && credentials "$admin")
    fi
    echo "$mode" > "$run/mode"
}

where() {
    if [ "$(cat "$run/mode" 2>/dev/null)" = secured ]; then
        echo "kafka: SASL/SCRAM-SHA-512 and ACLs; admin credentials in $run/credentials.json (mode 600;" \
            "Kafka's tools: --command-config $run/admin.properties)"
        [ "$run" = "$here/.run/kafka" ] ||
            echo "kafka: export ACCELERATOR_KAFKA_CREDENTIALS=$run/credentials.json ACCELERATOR_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$port"
    else
        echo "kafka: PLAINTEXT, no authentication, no ACLs: every client on this machine reads every topic"
    fi
}

start() {
    if answers; then echo "kafka: a broker already answers on 127.0.0.1:$port; using it"; return; fi
    fetch
    (umask 077 && mkdir -p "$run")
    format
    if running; then
        # Started before and not answering yet (a slow start that an earlier call gave up on):
        # a second broker on the same data would only fail to lock it, and take over the pidfile.
        echo "kafka: the broker (pid $(cat "$pidfile")) is still starting; waiting for it"
    else
        KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
        # One log across restarts (a fault test's or an outage's), each start marked.
        echo "=== $(date -u '+%Y-%m-%d %H:%M:%S') deploy/kafka.sh start" >> "$run/kafka.log"
        # shellcheck disable=SC2086
        nohup java $KAFKA_HEAP_OPTS -XX:+UseG1GC -Djava.awt.headless=true \
            -Dlog4j2.configurationFile="$here/kafka/log4j2.yaml" \
            -cp "$libs/*" kafka.Kafka "$run/server.properties" >> "$run/kafka.log" 2>&1 &
        echo $! > "$pidfile"
    fi
    # A restart replays the whole metadata log: on a loaded machine, with a long test run's
    # topics, principals and ACLs in it, one took 85 s.
    for _ in $(seq 1 $((start_seconds * 2))); do
        if answers; then
            echo "kafka: Apache Kafka $KAFKA_VERSION on 127.0.0.1:$port (log: $run/kafka.log)"
            where
            return
        fi
        running || { echo "kafka: the broker exited; see $run/kafka.log" >&2; tail -20 "$run/kafka.log" >&2; exit 1; }
        sleep 0.5
    done
    echo "kafka: no answer on 127.0.0.1:$port after $start_seconds s; see $run/kafka.log" >&2
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
    status) if answers; then echo "kafka: up on 127.0.0.1:$port"; where; else echo "kafka: down"; exit 1; fi ;;
    credentials) where ;;
    fetch) fetch ;;
    *) echo "usage: deploy/kafka.sh start|stop|kill|status|credentials|fetch" >&2; exit 2 ;;
esac
