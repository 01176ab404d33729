package core

// The seed's merges, for the merge tests (package core_test); the app never calls them.
var (
	DefaultMerge     = defaultMerge
	DefaultMergeJSON = defaultMergeJSON
	DeepMerge        = deepMerge
	DeepMergeJSON    = deepMergeJSON
)

// Pure decisions only core calls, for the tests of package core_test.
var (
	PlanLearn     = planLearn
	CompareUTF16  = compareUTF16
	CompareValues = compareValues
)
