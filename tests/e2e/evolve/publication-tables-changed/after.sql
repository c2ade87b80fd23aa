select tablename, attnames, rowfilter from pg_publication_tables where pubname = 'feed';
select pubinsert, pubupdate, pubdelete from pg_publication where pubname = 'feed';
select relname, relreplident from pg_class where relname in ('rooms', 'messages') order by 1;
