-- wrk script: POST a valid create-session body with Basic auth (kpmock:kpmock), used by
-- bench/run to fill kpmock's store up to its --max-sessions cap (then 503s).
wrk.method = "POST"
wrk.path = "/payments/v1/sessions"
wrk.headers["Authorization"] = "Basic a3Btb2NrOmtwbW9jaw=="
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"purchase_country":"SE","purchase_currency":"SEK","locale":"sv-SE",' ..
  '"order_amount":10000,"order_tax_amount":2000,"order_lines":[{"type":"physical",' ..
  '"name":"Boot","quantity":1,"unit_price":10000,"tax_rate":2500,"total_amount":10000,' ..
  '"total_tax_amount":2000}]}'
