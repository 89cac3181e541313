import Testing
@testable import AudioAmpKit

@Suite struct NoiseSourceRecipeTests {
  func noise(_ yaml: String) throws -> NoiseSpec {
    let r = try RecipeLoader.parse(yaml: "effects:\n  - noise: " + yaml + "\n", path: "x.yaml")
    guard case .noise(let n) = r.effects[0].kind else { throw RecipeError.invalid([]) }
    return n
  }

  func messages(_ yaml: String) -> [String] {
    do {
      _ = try RecipeLoader.parse(yaml: "effects:\n  - noise: " + yaml + "\n", path: "x.yaml")
      return []
    } catch let e as RecipeError {
      return e.diagnostics.map(\.description)
    } catch {
      return ["\(error)"]
    }
  }

  @Test func newSourcesAndFiltersDecode() throws {
    let b = try noise("{babble: {talkers: [3, 7]}, snr_db: 5}")
    #expect(b.source == .babble(talkers: .choice([3, 7])))
    let i = try noise("{index: ~/data/musan, snr_db: 5, split: test, exclude_licences: [NC, ND]}")
    #expect(i.source == .index("~/data/musan") && i.split == .test && i.excludeLicences == ["NC", "ND"] && i.index == nil)
    let c = try noise("{index: ~/data/esc50/index.tsv, category: car_horn, licences: [CC0], snr_db: 5}")
    #expect(c.source == .category("car_horn") && c.index == "~/data/esc50/index.tsv" && c.licences == ["CC0"])
  }

  @Test func misusesAreReportedWhereTheyAre() {
    #expect(messages("{babble: {talkers: 40}, snr_db: 5}") == ["x.yaml:2:31: effects[0].noise.babble.talkers: 40 is out of range; it must be from 1 to 32"])
    #expect(messages("{babble: {talkers: 3}, split: train, snr_db: 5}") == ["x.yaml:2:35: effects[0].noise.split: babble is made from the corpus itself; split applies to noise files only; remove it"])
    #expect(messages("{dir: a, index: b, snr_db: 5}") == ["x.yaml:2:21: effects[0].noise.index: index names where categories are looked up; it does not go with dir; remove one"])
    #expect(messages("{category: traffic, split: dev, snr_db: 5}") == ["x.yaml:2:39: effects[0].noise.split: unknown value 'dev'; use 'train' or 'test'"])
  }
}
