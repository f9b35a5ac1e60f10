-- wrk script for ci/test's ThreadSanitizer step: concurrent creates, updates and reads
-- on a few shared sessions (ids given after --), plus journal and session listings, so
-- kpmock's store, journal, rng and clock are used from several threads at once.
local ids, session, auth
local n = 0

function init(args)
  ids = args
  local f = assert(io.open(os.getenv("KPCT_TSAN_FIXTURE"), "r"))
  session = f:read("*a")
  f:close()
  auth = "Basic " .. os.getenv("KPCT_TSAN_AUTH")
end

function request()
  n = n + 1
  local id = ids[(n % #ids) + 1]
  local h = {["Authorization"] = auth, ["Content-Type"] = "application/json"}
  local k = n % 8
  if k == 0 then
    return wrk.format("POST", "/payments/v1/sessions", h, session)
  elseif k <= 3 then
    return wrk.format("POST", "/payments/v1/sessions/" .. id, h,
                      '{"merchant_reference1":"tsan-' .. n .. '"}')
  elseif k <= 5 then
    return wrk.format("GET", "/payments/v1/sessions/" .. id, h)
  elseif k == 6 then
    -- the journal answer is large (1000 entries): read it now and then only
    if n % 64 == 6 then
      return wrk.format("GET", "/__admin/journal", h)
    end
    return wrk.format("GET", "/__admin/health", h)
  else
    return wrk.format("GET", "/__admin/sessions/" .. id, h)
  end
end
