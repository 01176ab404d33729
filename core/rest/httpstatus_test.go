package rest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/offsync/offsync/core"
)

// Every error made from an HTTP answer carries its status (the "error" and "operationFailed"
// events' statusCode); a call that got no answer carries none.
func TestErrorsCarryTheHTTPStatus(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		code   core.Code
	}{
		{"401", 401, `{"error":"unauthorized"}`, core.CodeAuth},
		{"503", 503, `{"error":"down"}`, core.CodeServer},
		{"400", 400, `{"error":"bad"}`, core.CodeInvalid},
		{"unparseable 200", 200, `{"items": [`, core.CodeProtocol},
		{"an HTML page", 200, `<html>portal</html>`, core.CodeProtocol},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newCanned(t, reply(tc.status, tc.body))
			_, err := newTransport(t, srv.srv.URL, nil).Pull(ctx(t), "note", core.PullRequest{Limit: 10})
			e := coreErr(t, err)
			assert.Equal(t, tc.code, e.Code)
			assert.Equal(t, tc.status, e.HTTPStatus)
			assert.Equal(t, tc.status, core.HTTPStatusOf(&core.Error{Code: core.CodeConflict, Err: err}), "found down the chain")
		})
	}
	_, err := newTransport(t, "http://127.0.0.1:1", nil).Pull(ctx(t), "note", core.PullRequest{Limit: 10})
	assert.Error(t, err)
	assert.Zero(t, core.HTTPStatusOf(err), "no answer, no status")
}
