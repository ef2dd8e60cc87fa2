-- wrk script: the LogScale tokens query with the default fixtures' admin token.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer NkVQcz7R3ihhEdnktITQsvC5D2leQzDb~ZIycXAPq4iCxsHLz9YhdL7xP1V91YajCJmUPbtv2s25U"
wrk.body = '{"query":"{ tokens(sortBy: Name, limit: 50) { totalResults results { id name expireAt createdAt __typename } } }"}'
