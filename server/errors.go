package server

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// Error codes of the JSON error bodies.
const (
	codeBadRequest   = "bad_request"
	codeUnauthorized = "unauthorized"
	codeNotFound     = "not_found"
	codeMethod       = "method_not_allowed"
	codeTooLarge     = "too_large"
	codeConflict     = "conflict"
	codeRateLimited  = "rate_limited"
	codeInternal     = "internal"
	codeDeferred     = "deferred"
)

// errorBody is CONTRACT.md's error shape; Current is set on conflicts.
type errorBody struct {
	Error   string          `json:"error"`
	Message string          `json:"message"`
	Current json.RawMessage `json:"current,omitempty"`
}

func errorJSON(code, msg string, current []byte) []byte {
	b, _ := json.Marshal(errorBody{Error: code, Message: msg, Current: current})
	return b
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, errorJSON(code, msg, nil))
}
