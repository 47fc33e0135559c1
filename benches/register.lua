-- wrk script: POST one complete registration per request and count the answers.
-- Usage: wrk ... -s benches/register.lua URL -- TOKEN
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. args[1]
  wrk.body = '{"registration_type":"AANGIFTE","channel":"BALIE","municipality":"GM0363",'
    .. '"occurred_from":"2026-11-01","grounds":["HERKOMST"],"manifestations":["BELEDIGING"],'
    .. '"domain":"OPENBARE_RUIMTE","articles":["SR137C"],"victim_kind":"PERSOON",'
    .. '"suspect_known":false,"summary":"Uitgescholden in de tram",'
    .. '"narrative":"Melder werd in lijn 2 uitgescholden om zijn afkomst."}'
  created = 0
  other = 0
end

function response(status, headers, body)
  if status == 201 then created = created + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    o = o + t:get("other")
  end
  io.write(string.format("created=%d other=%d\n", c, o))
  io.write(string.format("p50_ms=%.2f p99_ms=%.2f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
