package idbstore

// wrapped is an error with a message of its own over one or more causes (fmt.Errorf's %w
// without fmt, which with reflect costs sync.wasm ~100 KB gzip).
type wrapped struct {
	msg    string
	causes []error
}

// wrapf returns "prefix: <last cause's message>" wrapping every cause (errors.Is/As see them all).
func wrapf(prefix string, causes ...error) error {
	return &wrapped{msg: prefix + ": " + causes[len(causes)-1].Error(), causes: causes}
}

func (w *wrapped) Error() string   { return w.msg }
func (w *wrapped) Unwrap() []error { return w.causes }
