@echo off
rem nucleon (release zip, Windows): runs lib\nucleon.jar with a Java 17+ runtime; nothing is built or downloaded.
rem   nucleon info
rem   nucleon segment samples --out out
rem Environment: JAVA_HOME (else the java on PATH), NUCLEON_JAVA_OPTS (extra JVM options), NUCLEON_DEBUG=1.
setlocal
set "NUCLEON_HOME=%~dp0"
set "NUCLEON_JAR=%NUCLEON_HOME%lib\nucleon.jar"
if not exist "%NUCLEON_JAR%" (
  echo nucleon: %NUCLEON_JAR% is missing; unpack the whole release zip 1>&2
  exit /b 1
)
if defined JAVA_HOME (
  set "NUCLEON_JAVA=%JAVA_HOME%\bin\java.exe"
) else (
  set "NUCLEON_JAVA=java"
)
rem the Vector API (about 3x faster on the CPU) when this Java has it
set "NUCLEON_VECTOR="
"%NUCLEON_JAVA%" --list-modules 2>nul | findstr /b /c:"jdk.incubator.vector@" >nul && set "NUCLEON_VECTOR=--add-modules jdk.incubator.vector"
"%NUCLEON_JAVA%" %NUCLEON_VECTOR% %NUCLEON_JAVA_OPTS% -jar "%NUCLEON_JAR%" %*
exit /b %ERRORLEVEL%
