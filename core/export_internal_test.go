package core

// The seed's merges, for the merge tests (package core_test); the app never calls them.
var (
	DefaultMerge     = defaultMerge
	DefaultMergeJSON = defaultMergeJSON
	DeepMerge        = deepMerge
	DeepMergeJSON    = deepMergeJSON
)
