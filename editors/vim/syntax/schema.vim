" Vim syntax file
" Language:    schemac schema language (.schema)
" Description: declarations and items of the language highlighted as
"              keywords; the SQL inside them (types, expressions, queries,
"              dollar-quoted bodies) highlighted as SQL strings, comments,
"              numbers and operators.

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

" Keywords are not reserved and, as in SQL, not case sensitive.
syntax case ignore

syntax keyword schemaDeclaration platform extension role schema enum domain
syntax keyword schemaDeclaration type table view materialized function
syntax keyword schemaDeclaration template bucket test publication sequence
syntax keyword schemaDeclaration procedure rows
syntax keyword schemaItem index unique constraint policy grant revoke comment
syntax keyword schemaItem trigger partition partitions use audit transitions
syntax keyword schemaItem retain allow language returns setup expect
syntax match schemaItem /\<row\s\+level\s\+security\>/
syntax match schemaItem /\<default\s\+privileges\>/
syntax match schemaItem /\<not\s\+exposed\>/
syntax match schemaItem /\<file\s\+size\s\+limit\>/
syntax match schemaItem /\<allowed\s\+mime\s\+types\>/
syntax match schemaItem /\<replica\s\+identity\>/
syntax keyword schemaItem publish exact
syntax keyword schemaConstraint primary key references foreign check default
syntax keyword schemaConstraint not null generated identity collate exclude
syntax keyword schemaConstraint cascade restrict deferrable initially
syntax keyword schemaModifier for to from using with as on delete update
syntax keyword schemaModifier insert select all login forced concurrently
syntax keyword schemaModifier permissive restrictive public stable immutable
syntax keyword schemaModifier volatile security definer invoker strict
syntax keyword schemaModifier leakproof parallel set include where claims
syntax keyword schemaModifier rows error before after each execute monthly
syntax keyword schemaModifier days by
syntax keyword schemaConstant true false

syntax match schemaNumber /\<\d\+\(\.\d*\)\=\([eE][-+]\=\d\+\)\=\>/
syntax match schemaOperator /::\|->\|[<>=!~*+\-/%^|&]\+/
syntax match schemaSubst /\${[A-Za-z_][A-Za-z0-9_]*}/

syntax region schemaString start=/[EeBbXxNn]\='/ skip=/''/ end=/'/ contains=schemaSubst
syntax region schemaQuoted start=/"/ skip=/""/ end=/"/
" $$...$$ and $tag$...$tag$: a function body or a test's statement.
syntax region schemaDollar matchgroup=schemaDollarTag start=/\$\z([A-Za-z_]\w*\)\=\$/ end=/\$\z1\$/ contains=@Spell

syntax region schemaComment start=/--/ end=/$/ contains=schemaTodo,@Spell
syntax region schemaComment start=+/\*+ end=+\*/+ contains=schemaComment,schemaTodo,@Spell
syntax keyword schemaTodo contained TODO FIXME XXX NOTE FIX

" Dollar bodies and block comments span lines: find their start.
syntax sync fromstart

highlight default link schemaDeclaration Statement
highlight default link schemaItem Keyword
highlight default link schemaConstraint Type
highlight default link schemaModifier Keyword
highlight default link schemaConstant Boolean
highlight default link schemaNumber Number
highlight default link schemaOperator Operator
highlight default link schemaSubst PreProc
highlight default link schemaString String
highlight default link schemaQuoted Identifier
highlight default link schemaDollar String
highlight default link schemaDollarTag Delimiter
highlight default link schemaComment Comment
highlight default link schemaTodo Todo

let b:current_syntax = 'schema'

let &cpo = s:cpo_save
unlet s:cpo_save
