# comment
1KB,0
1MB,0.9
10MB,1.0
