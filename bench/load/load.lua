-- wrk script for `make bench-load` (bench/load/run.py writes the clients file and reads the
-- result line). Run as `wrk -t N -c N` so that each wrk thread has exactly one connection: one
-- thread is one client, signed in with its own session, answering its own application.
--
-- From the environment:
--   BENCH_LOAD_CLIENTS   a Lua file returning {{session=, csrf=, app=, version=}, ...}, one a client
--   BENCH_LOAD_ENDPOINT  question | answer | hello | floor | check_answers | overview
--   BENCH_LOAD_ORIGIN    https://host:port, sent as Origin with each POST (CSRF's origin check)
--   BENCH_LOAD_COOKIES   "session_cookie_name csrf_cookie_name"
--
-- Each thread counts the responses it did not expect (a GET that was not 200, a POST that was
-- not a 302 to the next question) and, for POSTs, bumps its answer's version after each saved
-- change, so the next POST is not stale. done() prints one line, BENCH_LOAD_RESULT {json}.

local clients = dofile(os.getenv("BENCH_LOAD_CLIENTS"))
local endpoint = os.getenv("BENCH_LOAD_ENDPOINT")
local origin = os.getenv("BENCH_LOAD_ORIGIN")
local session_cookie, csrf_cookie = string.match(os.getenv("BENCH_LOAD_COOKIES"), "(%S+) (%S+)")
local question_id = "c_incident_management"
local next_question = "/questions/c_incident_leads"

-- Main state: one client a thread, in order.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("index", #threads)
end

-- Thread state. Globals, not locals, where done() reads them (thread:get reads globals).
local client, headers, path
posted, unexpected, first_unexpected, app, version = 0, 0, "", "", 0

local function urlencode(text)
  return (string.gsub(text, "[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

local function description(v)
  -- Different for every version, so each POST really changes the answer.
  return "P1 to P4 with SLAs; we escalate to the National Service Desk. Revision " .. v
end

function init(args)
  client = clients[index]
  if client == nil then
    error("more wrk threads than clients: thread " .. index)
  end
  version = client.version
  app = client.app
  headers = {
    ["Cookie"] = session_cookie .. "=" .. client.session .. "; " .. csrf_cookie .. "=" .. client.csrf,
    ["X-Forwarded-Proto"] = "https",
  }
  local application = "/applications/" .. client.app .. "/stage-2"
  if endpoint == "question" or endpoint == "answer" then
    path = application .. "/questions/" .. question_id
  elseif endpoint == "check_answers" then
    path = application .. "/check-answers"
  elseif endpoint == "overview" then
    path = application
  elseif endpoint == "hello" then
    path = "/bench/hello"
  elseif endpoint == "floor" then
    path = "/bench/floor"
  else
    error("unknown endpoint " .. tostring(endpoint))
  end
  if endpoint == "answer" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers["Origin"] = origin
  end
end

function request()
  if endpoint == "answer" then
    local body = "csrfmiddlewaretoken=" .. client.csrf
      .. "&answer=yes&description=" .. urlencode(description(version + 1))
      .. "&version=" .. version
    return wrk.format("POST", path, headers, body)
  end
  return wrk.format("GET", path, headers)
end

function response(status, response_headers, body)
  if endpoint == "answer" then
    local location = response_headers["Location"] or response_headers["location"] or ""
    if status == 302 and string.find(location, next_question, 1, true) then
      version = version + 1
      posted = posted + 1
      return
    end
  elseif status == 200 then
    return
  end
  unexpected = unexpected + 1
  if first_unexpected == "" then
    first_unexpected = tostring(status) .. " " .. (response_headers["Location"] or "")
  end
end

local function json_string(text)
  return '"' .. string.gsub(tostring(text), '[%c"\\]', function(c)
    return string.format("\\u%04x", string.byte(c))
  end) .. '"'
end

function done(summary, latency, requests)
  local clients_out = {}
  local unexpected_total = 0
  local first = ""
  for _, thread in ipairs(threads) do
    local u = thread:get("unexpected")
    unexpected_total = unexpected_total + u
    if first == "" then
      first = thread:get("first_unexpected")
    end
    table.insert(clients_out, string.format(
      '{"app":%s,"version":%d,"posted":%d}',
      json_string(thread:get("app")), thread:get("version"), thread:get("posted")
    ))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_LOAD_RESULT {"endpoint":%s,"requests":%d,"duration_us":%d,'
      .. '"p50_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d,'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
      .. '"unexpected":%d,"first_unexpected":%s,"clients":[%s]}\n',
    json_string(endpoint), summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout,
    unexpected_total, json_string(first), table.concat(clients_out, ",")
  ))
end
