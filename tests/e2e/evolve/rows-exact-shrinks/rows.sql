update flags set enabled = true where name = 'threads';
