" .schema files are schemac's schema language.
autocmd BufNewFile,BufRead *.schema setfiletype schema
