"""A role-limited prefix cannot be reached through a spelling the backend treats as the same
path: IIS/ASP.NET ignore case (/ADMIN/users), /admin is the /admin/ prefix without its
slash, and Tomcat/Spring drop ";params" (refused unless a route opts in). Each such request belongs to the /admin/ route (its roles apply), never to the
general route beside it."""
import unittest

from harness import EchoServer, GatewayTestCase, route


class RouteSpellingTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.general = cls.start_backend(EchoServer(name="general"))
        cls.admin = cls.start_backend(EchoServer(name="admin"))
        demo = cls.make_demo("http://127.0.0.1:%d" % cls.general.port)
        cls.start_gateway(demo.config(cls.listen_port, cls.admin_port, [
            route("general", "http://127.0.0.1:%d" % cls.general.port, login=False),
            route("admin", "http://127.0.0.1:%d" % cls.admin.port, path_prefix="/admin/", login=False),
            route("legacy", "http://127.0.0.1:%d" % cls.general.port, path_prefix="/legacy/", login=False,
                  allow_path_parameters=True)]))

    def backend_for(self, path):
        result = self.device_curl(path)
        self.assertEqual(result.status, 200, result.describe() + "\n" + self.log_tail())
        return result.json()["backend"]

    def test_configured_spelling_reaches_its_route(self):
        self.assertEqual(self.backend_for("/admin/users"), "admin")
        self.assertEqual(self.backend_for("/administration"), "general")
        self.assertEqual(self.backend_for("/other"), "general")

    def test_case_variants_belong_to_the_prefix_route(self):
        for path in ("/ADMIN/users", "/Admin/users", "/aDmIn/"):
            with self.subTest(path=path):
                self.assertEqual(self.backend_for(path), "admin")

    def test_prefix_without_its_trailing_slash_belongs_to_the_route(self):
        self.assertEqual(self.backend_for("/admin"), "admin")
        self.assertEqual(self.backend_for("/ADMIN"), "admin")

    def test_path_parameters_are_refused_unless_the_route_allows_them(self):
        # Tomcat/Spring drop ";params": /admin;x/users would be /admin/users to them.
        for path in ("/admin;jsessionid=x/users", "/general;x", "/a/b;c=d/e"):
            with self.subTest(path=path):
                result = self.device_curl(path)
                self.assertEqual(result.status, 400, result.describe())
        self.gateway.wait_for_log(r"request\.rejected .*path parameters")
        result = self.device_curl("/legacy/page;jsessionid=abc")
        self.assertEqual(result.status, 200, result.describe())


if __name__ == "__main__":
    unittest.main()
