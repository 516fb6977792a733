// Bearer-token authentication in front of the emulator, as kube-apiserver's token authenticator.
#pragma once

#include <string>

#include "rdr/http/server.h"

namespace rdr::sandbox {

// Wraps `inner` so that a request must carry "Authorization: Bearer <token>", except the public
// information kube-apiserver grants to anonymous users (GET /version, /healthz, /livez, /readyz).
// Anything else gets 401 with a Status whose reason is Unauthorized (kubectl then prints "You must
// be logged in to the server").
http::Handler requireBearerToken(std::string token, http::Handler inner);

} // namespace rdr::sandbox
