# Sourced by benchmark scripts: a canned OpenAI-style endpoint. nginx (Debian) on 127.0.0.1, started as our own
# process from a config in the caller's temp folder, answers every POST /v1/chat/completions with a fixed chat
# completion whose answer is "Build finished", and POST /alt/v1/chat/completions with one answering
# "Build failed" (a second "model" for runs that must differ). No model behind it, so the clients' own costs show.
#
#   canned_nginx_start WORK_DIR    sets NGINX_PORT, NGINX_URL (the /v1/chat/completions URL), NGINX_BASE
#                                  (http://127.0.0.1:PORT) and NGINX_PID; exits 2 when nginx cannot serve
#   canned_nginx_stop              stops it (call it from the caller's EXIT trap)
NGINX_BODY='{"model":"canned","messages":[{"role":"user","content":"What does the build log say?"}]}'
NGINX_PID=

canned_nginx_reply() {  # ANSWER
  printf '{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"canned","choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":2,"total_tokens":14}}' "$1"
}

canned_nginx_start() {
  local work=$1 nginx
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
  [ -x "$nginx" ] || { echo "nginx is not installed (scripts/setup.sh installs it)" >&2; exit 2; }
  NGINX_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  NGINX_BASE="http://127.0.0.1:$NGINX_PORT"
  NGINX_URL="$NGINX_BASE/v1/chat/completions"
  mkdir -p "$work/tmp"
  cat >"$work/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/tmp/body;
  proxy_temp_path $work/tmp/proxy;
  fastcgi_temp_path $work/tmp/fastcgi;
  uwsgi_temp_path $work/tmp/uwsgi;
  scgi_temp_path $work/tmp/scgi;
  keepalive_requests 10000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location = /v1/chat/completions {
      default_type application/json;
      return 200 '$(canned_nginx_reply "Build finished")';
    }
    location = /alt/v1/chat/completions {
      default_type application/json;
      return 200 '$(canned_nginx_reply "Build failed")';
    }
  }
}
NGINX
  "$nginx" -c "$work/nginx.conf" -p "$work" &
  NGINX_PID=$!
  for _ in $(seq 50); do curl -s -o /dev/null -d "$NGINX_BODY" "$NGINX_URL" && break; sleep 0.1; done
  curl -sf -d "$NGINX_BODY" "$NGINX_URL" | grep -q "Build finished" || { cat "$work/error.log" >&2; exit 2; }
}

canned_nginx_stop() {
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
  NGINX_PID=
}
