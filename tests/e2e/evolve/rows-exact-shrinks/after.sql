select name, enabled from flags order by name;
