-- wrk script: POST a valid cart update (204) with Basic auth (kpmock:kpmock) to kpmock.
-- Session ids come from the file named by KPMOCK_SESSIONS (one per line, made by
-- bench/run); each request picks one at random, so with one id every request
-- contends for the same session lock and with many they spread over the store's shards.
local ids = {}
local f = assert(io.open(os.getenv("KPMOCK_SESSIONS") or "sessions.txt"))
for line in f:lines() do
  if #line == 36 then ids[#ids + 1] = "/payments/v1/sessions/" .. line end
end
f:close()
assert(#ids > 0, "no session ids")

local body = '{"order_amount":20000,"order_tax_amount":4000,"order_lines":[{"type":"physical",' ..
  '"name":"Boot","quantity":2,"unit_price":10000,"tax_rate":2500,"total_amount":20000,' ..
  '"total_tax_amount":4000}]}'
local headers = {
  ["Authorization"] = "Basic a3Btb2NrOmtwbW9jaw==",
  ["Content-Type"] = "application/json",
}

request = function()
  return wrk.format("POST", ids[math.random(#ids)], headers, body)
end
