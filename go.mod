module github.com/tokenfake/tokenfake

go 1.26

require (
	github.com/gorilla/mux v1.8.1 // indirect
	github.com/graph-gophers/graphql-go v1.11.0 // indirect
)
